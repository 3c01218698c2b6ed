// Each user's use of the quota windows open at one moment (the UTC day's tokens, the UTC month's cloud
// spend), summed from the records database.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace llmroute::report {

/// What one user used in the windows open at a moment, counted as the quota store settles: client requests
/// (no shadow copies) that were routed and answered with a 2xx status; tokens are input + output, spend is
/// the cost of the cloud-routed ones.
struct UserWindowUse {
  std::string user;
  std::uint64_t tokens_today = 0;       ///< in the UTC day of the moment
  double cloud_spend_this_month = 0;    ///< in the UTC calendar month of the moment, in the config's currency
};

/// Every user with use in the month, by name, or why the database could not be read.
struct QuotaUseRead {
  std::vector<UserWindowUse> users;
  std::string error;
};

/// Sums the records of `db_path` that started in [00:00 UTC on the 1st of now's month, now]. One indexed
/// aggregate query: cheap even over a month of records. Blocks on the disk.
QuotaUseRead read_quota_use(const std::string& db_path, std::int64_t now_unix_ms);

}  // namespace llmroute::report
