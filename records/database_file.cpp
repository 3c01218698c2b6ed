// File identity by stat(2), and removing a deleted database's journal files.
#include "records/database_file.hpp"

#include <sys/stat.h>

#include <filesystem>

namespace llmroute::records {

std::optional<FileIdentity> identify_file(const std::string& path) {
  struct stat file {};
  if (::stat(path.c_str(), &file) != 0) return std::nullopt;
  return FileIdentity{static_cast<std::uint64_t>(file.st_dev), static_cast<std::uint64_t>(file.st_ino)};
}

void forget_deleted_database(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) || ec) return;
  std::filesystem::remove(path + "-wal", ec);
  std::filesystem::remove(path + "-shm", ec);
}

}  // namespace llmroute::records
