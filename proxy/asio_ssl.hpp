// Asio SSL, included only by the files that talk TLS to cloud backends (it is a heavy header).
#pragma once

#include "proxy/asio.hpp"

#include <boost/asio/ssl.hpp>

namespace llmroute {
namespace ssl = boost::asio::ssl;
}  // namespace llmroute
