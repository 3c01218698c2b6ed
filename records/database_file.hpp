// Telling whether a database file is still the one a connection opened, and replacing the connections of the
// stores of one process when it is not, one store at a time and without taking over the old file's journal.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
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

/// The database file several stores of one process write: the records store and the judge queue share
/// records.path. When the file is deleted (or another moved over it) while they run, each notices on its own and
/// opens the file at the path again, creating it if need be. The `-wal` and `-shm` under the path's name are then
/// still the old file's (SQLite does not remove a moved file's journal; an `rm records.db` leaves them), and a new
/// file would take them for its own, so the first store to replace its connections removes them, and the others
/// must leave the journal of the file the first has opened alone. This object runs every store's replacement under
/// one lock and remembers which file its stores have open, so both hold. Owned by ServerState and handed to both
/// stores (a store built alone makes its own); no global: two proxies in one process (tests) have two.
class DatabaseFile {
 public:
  explicit DatabaseFile(std::string path) : path_(std::move(path)) {}
  DatabaseFile(const DatabaseFile&) = delete;
  DatabaseFile& operator=(const DatabaseFile&) = delete;

  const std::string& path() const { return path_; }

  /// A store opened the file now at path() (at its start): its journal is that file's own.
  void note_opened();

  /// One store's replacement, under the lock: `close_old` closes the store's connections to the file it had open;
  /// then the journal under the path's name is removed unless the file at the path is one a store of this process
  /// has opened (another store replaced it first); then `open_new` opens the file at the path (creating it) and
  /// returns its error, or empty. Returns that error.
  std::string replace(const std::function<void()>& close_old, const std::function<std::string()>& open_new);

 private:
  const std::string path_;
  std::mutex replacing_;
  std::optional<FileIdentity> opened_;  ///< guarded by replacing_: the file at path_ the stores last opened
};

}  // namespace llmroute::records
