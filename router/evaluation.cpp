// Runs the classifier over the labelled set and tabulates precision, recall and confusion.
#include "router/evaluation.hpp"

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "router/request_features.hpp"

namespace llmroute::router {

std::optional<LabelledRequest> parse_labelled_line(std::string_view line, std::string& why) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(line.data(), line.size()).get(root)) {
    why = simdjson::error_message(err);
    return std::nullopt;
  }
  LabelledRequest req;
  std::string_view text;
  if (!root["label"].get(text)) req.label = std::string(text);
  if (!root["path"].get(text)) req.path = std::string(text);
  simdjson::dom::object headers;
  if (!root["headers"].get(headers)) {
    for (auto [key, value] : headers) {
      std::string_view v;
      if (!value.get(v)) req.headers.add(std::string(key), std::string(v));
    }
  }
  simdjson::dom::element body;
  if (root["body"].get(body)) {
    why = "no \"body\"";
    return std::nullopt;
  }
  req.body = simdjson::minify(body);
  return req;
}

std::optional<Evaluation> evaluate_directory(const std::string& dir, const Classifier& classifier, Split split,
                                             std::string& error) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  if (ec || files.empty()) {
    error = "no .jsonl files in " + dir;
    return std::nullopt;
  }
  std::sort(files.begin(), files.end());
  Evaluation eval;
  RequestParser parser;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    std::size_t index = 0;
    std::size_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::size_t this_index = index++;
      if ((split == Split::even && this_index % 2 != 0) || (split == Split::odd && this_index % 2 == 0)) continue;
      std::string where = file.filename().string() + ":" + std::to_string(number);
      std::string why;
      auto req = parse_labelled_line(line, why);
      if (!req) {
        error = where + ": " + why;
        return std::nullopt;
      }
      auto expected = parse_task_kind(req->label);
      if (!expected) {
        error = where + ": unknown label '" + req->label + "'";
        return std::nullopt;
      }
      auto start = std::chrono::steady_clock::now();
      ExtractResult result = parser.extract(req->path, req->headers, req->body);
      if (const auto* failed = std::get_if<ExtractError>(&result)) {
        error = where + ": " + failed->message + " at byte " + std::to_string(failed->offset);
        return std::nullopt;
      }
      Classification got = classifier.classify(std::get<RequestFeatures>(result));
      eval.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      auto index_of = [](TaskKind kind) {
        return static_cast<std::size_t>(std::find(kAllTaskKinds.begin(), kAllTaskKinds.end(), kind) - kAllTaskKinds.begin());
      };
      ++eval.confusion[index_of(*expected)][index_of(got.kind)];
      ++eval.total;
      if (got.kind == *expected) {
        ++eval.correct;
      } else {
        eval.misses.push_back(where + " expected " + req->label + " got " + std::string(to_string(got.kind)) + " (" +
                              got.rule + ")");
      }
    }
  }
  return eval;
}

std::string Evaluation::report() const {
  constexpr std::size_t n = kAllTaskKinds.size();
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "requests: %zu  correct: %zu  accuracy: %.1f%%  mean extract+classify: %.1f us\n",
                total, correct, accuracy() * 100, total == 0 ? 0.0 : seconds * 1e6 / static_cast<double>(total));
  out << line;
  std::snprintf(line, sizeof line, "\n%-15s %9s %9s %8s\n", "kind", "precision", "recall", "support");
  out << line;
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t predicted = 0;
    std::size_t actual = 0;
    for (std::size_t j = 0; j < n; ++j) {
      predicted += confusion[j][k];
      actual += confusion[k][j];
    }
    if (actual == 0 && predicted == 0) continue;
    double tp = static_cast<double>(confusion[k][k]);
    std::snprintf(line, sizeof line, "%-15s %8.1f%% %8.1f%% %8zu\n", std::string(to_string(kAllTaskKinds[k])).c_str(),
                  predicted == 0 ? 0.0 : 100 * tp / static_cast<double>(predicted),
                  actual == 0 ? 0.0 : 100 * tp / static_cast<double>(actual), actual);
    out << line;
  }
  out << "\nconfusion (rows: expected, columns: classified as)\n";
  std::snprintf(line, sizeof line, "%-15s", "");
  out << line;
  for (std::size_t k = 0; k < n; ++k) {
    std::snprintf(line, sizeof line, " %4.4s", std::string(to_string(kAllTaskKinds[k])).c_str());
    out << line;
  }
  out << "\n";
  for (std::size_t k = 0; k < n; ++k) {
    std::snprintf(line, sizeof line, "%-15s", std::string(to_string(kAllTaskKinds[k])).c_str());
    out << line;
    for (std::size_t j = 0; j < n; ++j) {
      std::snprintf(line, sizeof line, " %4zu", confusion[k][j]);
      out << line;
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace llmroute::router
