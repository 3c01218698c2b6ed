// Binding a statement's parameters and reading a row's columns in order, with NULL as an unset optional.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace llmroute::records {

/// Binds values to consecutive parameters (1-based), copying text (SQLITE_TRANSIENT).
class SqliteBinder {
 public:
  explicit SqliteBinder(sqlite3_stmt* statement) : s_(statement) {}
  SqliteBinder& text(std::string_view v) {
    sqlite3_bind_text(s_, ++i_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  SqliteBinder& integer(std::int64_t v) {
    sqlite3_bind_int64(s_, ++i_, v);
    return *this;
  }
  SqliteBinder& real(double v) {
    sqlite3_bind_double(s_, ++i_, v);
    return *this;
  }
  SqliteBinder& null() {
    sqlite3_bind_null(s_, ++i_);
    return *this;
  }
  template <class T>
  SqliteBinder& maybe(const std::optional<T>& v) {
    if (!v) return null();
    if constexpr (std::is_floating_point_v<T>) return real(*v);
    else if constexpr (std::is_integral_v<T>) return integer(static_cast<std::int64_t>(*v));
    else return text(*v);
  }

 private:
  sqlite3_stmt* s_;
  int i_ = 0;
};

/// Reads consecutive columns of the current row (0-based).
class SqliteReader {
 public:
  explicit SqliteReader(sqlite3_stmt* statement) : s_(statement) {}
  bool is_null() const { return sqlite3_column_type(s_, i_) == SQLITE_NULL; }
  std::string text() {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i_));
    const int n = sqlite3_column_bytes(s_, i_++);
    return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
  }
  std::int64_t integer() { return sqlite3_column_int64(s_, i_++); }
  double real() { return sqlite3_column_double(s_, i_++); }
  std::optional<double> maybe_real() {
    if (is_null()) return ++i_, std::nullopt;
    return real();
  }
  std::optional<std::int64_t> maybe_integer() {
    if (is_null()) return ++i_, std::nullopt;
    return integer();
  }
  std::optional<std::string> maybe_text() {
    if (is_null()) return ++i_, std::nullopt;
    return text();
  }

 private:
  sqlite3_stmt* s_;
  int i_ = 0;
};

}  // namespace llmroute::records
