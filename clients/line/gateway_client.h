// The gateway's public HTTP API as the LINE bot reads it (anonymous: published listings, public
// contacts). Thread-safe: each call uses its own connection.
#ifndef IBASHO_CLIENTS_LINE_GATEWAY_CLIENT_H_
#define IBASHO_CLIENTS_LINE_GATEWAY_CLIENT_H_

#include <nlohmann/json.hpp>

#include <string>

#include "common/status.h"

namespace ibasho::line {

class GatewayClient {
 public:
  // base_url without a trailing slash; timeout_seconds bounds a whole call (a reply token lives
  // about a minute, and a parent waits).
  GatewayClient(std::string base_url, long timeout_seconds)
      : base_url_(std::move(base_url)), timeout_(timeout_seconds) {}
  // GET target → its JSON body. Unavailable when the gateway cannot be reached or answers 5xx;
  // InvalidArgument for a 4xx (with the gateway's message).
  StatusOr<nlohmann::json> Get(const std::string& target) const;

 private:
  std::string base_url_;
  long timeout_;
};

}  // namespace ibasho::line

#endif  // IBASHO_CLIENTS_LINE_GATEWAY_CLIENT_H_
