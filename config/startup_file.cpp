// Whole-file reads for startup, with the reason a file cannot be read spelled out.
#include "config/startup_file.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace llmroute::config {

std::string size_in_words(std::size_t bytes) {
  if (bytes >= (1u << 30) && bytes % (1u << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

StartupFile read_startup_file(const std::string& path, std::string_view noun, std::size_t max_bytes) {
  const std::string name(noun);
  std::error_code ec;
  // An ifstream opens a directory without complaint and then reads nothing: ask first.
  if (std::filesystem::is_directory(path, ec)) return {std::nullopt, "is a directory, not a " + name};
  std::ifstream in(path, std::ios::binary);
  if (!in) return {std::nullopt, "cannot open the " + name + ": " + std::strerror(errno)};
  std::string text;
  std::array<char, 64 * 1024> chunk;
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) return {std::nullopt, "is larger than " + size_in_words(max_bytes) + ", so it is not a " + name};
  }
  if (in.bad()) return {std::nullopt, "cannot read the " + name + ": " + std::strerror(errno)};
  return {std::move(text), {}};
}

std::string output_file_problem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return "is a directory, not a file";
  const fs::path parent = fs::path(path).parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  if (!fs::exists(dir, ec)) return "the directory " + dir + " does not exist";
  if (!fs::is_directory(dir, ec)) return dir + " is not a directory";
  if (fs::exists(path, ec)) {
    if (::access(path.c_str(), W_OK) != 0) return std::string("is not writable: ") + std::strerror(errno);
  } else if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return "the directory " + dir + " is not writable: " + std::strerror(errno);
  }
  return {};
}

}  // namespace llmroute::config
