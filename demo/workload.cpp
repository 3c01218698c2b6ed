// Reading the labelled request set and dealing the demo's mix from it.
#include "demo/workload.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_to.hpp>

#include <fstream>
#include <map>
#include <random>
#include <stdexcept>

namespace llmroute::demo {

namespace {

bool served_path(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  return path == "/v1/chat/completions" || path == "/v1/completions" || path == "/v1/messages" ||
         path == "/v1/messages/count_tokens" || path == "/v1/responses";
}

std::vector<WorkloadRequest> read_client(const std::filesystem::path& file, const std::string& client) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string() + " (run the demo from the repository, or pass --tasks DIR)");
  std::vector<WorkloadRequest> out;
  std::size_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    boost::system::error_code ec;
    const boost::json::value entry = boost::json::parse(line, ec);
    if (ec || !entry.is_object())
      throw std::runtime_error(file.string() + ":" + std::to_string(line_number) + ": not a JSON object");
    const auto& object = entry.as_object();
    WorkloadRequest request;
    request.client = client;
    request.label = boost::json::value_to<std::string>(object.at("label"));
    request.target = boost::json::value_to<std::string>(object.at("path"));
    if (!served_path(request.target)) continue;
    if (const auto* headers = object.if_contains("headers"))
      for (const auto& [name, value] : headers->as_object())
        if (name != "content-length" && name != "host")
          request.headers.emplace_back(std::string(name), boost::json::value_to<std::string>(value));
    request.body = boost::json::serialize(object.at("body"));
    out.push_back(std::move(request));
  }
  if (out.empty()) throw std::runtime_error(file.string() + " holds no request llmroute serves");
  return out;
}

}  // namespace

std::vector<WorkloadRequest> load_workload(const std::filesystem::path& dir, std::size_t count, std::uint64_t seed) {
  std::vector<std::vector<WorkloadRequest>> pools;
  std::vector<unsigned> weights;
  for (const ClientShare& share : kClientMix) {
    pools.push_back(read_client(dir / (std::string(share.client) + ".jsonl"), share.client));
    weights.push_back(share.weight);
  }
  std::mt19937_64 random(seed);
  std::discrete_distribution<std::size_t> pick_client(weights.begin(), weights.end());
  std::vector<WorkloadRequest> workload;
  workload.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto& pool = pools[pick_client(random)];
    workload.push_back(pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(random)]);
  }
  return workload;
}

}  // namespace llmroute::demo
