// Telling whether a database file is still the one a connection opened, and cleaning up after a deleted one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace llmroute::records {

/// Which file a path names (device and inode): a file deleted and created again is another one.
struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  bool operator==(const FileIdentity&) const = default;
};

/// The file at `path` now; unset when there is none.
std::optional<FileIdentity> identify_file(const std::string& path);

/// After this process's connection to a database file that was deleted has been closed: removes the `-wal` and
/// `-shm` left under its name (an `rm records.db` leaves them), which a new database created at `path` would
/// otherwise take for its own. Does nothing while a file is at `path` (another store may have created it
/// again already, and those are its journal files).
void forget_deleted_database(const std::string& path);

}  // namespace llmroute::records
