// File identity by stat(2), and the replacement of a database file's connections one store at a time.
#include "records/database_file.hpp"

#include <sys/stat.h>

#include <filesystem>

namespace llmroute::records {

std::optional<FileIdentity> identify_file(const std::string& path) {
  struct stat file {};
  if (::stat(path.c_str(), &file) != 0) return std::nullopt;
  return FileIdentity{static_cast<std::uint64_t>(file.st_dev), static_cast<std::uint64_t>(file.st_ino)};
}

void DatabaseFile::note_opened() {
  const std::lock_guard lock(replacing_);
  opened_ = identify_file(path_);
}

std::string DatabaseFile::replace(const std::function<void()>& close_old, const std::function<std::string()>& open_new) {
  const std::lock_guard lock(replacing_);
  // This store's connections to the old file close first: none of them may still use the journal removed below.
  close_old();
  if (const std::optional<FileIdentity> now = identify_file(path_); !now || now != opened_) {
    std::error_code ec;
    std::filesystem::remove(path_ + "-wal", ec);
    std::filesystem::remove(path_ + "-shm", ec);
  }
  std::string error = open_new();
  if (error.empty()) opened_ = identify_file(path_);
  return error;
}

}  // namespace llmroute::records
