#include "clients/line/gateway_client.h"

#include "clients/http/http_client.h"

namespace ibasho::line {

StatusOr<nlohmann::json> GatewayClient::Get(const std::string& target) const {
  clients::HttpClientOptions options;
  options.base_url = base_url_;
  options.timeout_seconds = timeout_;
  options.user_agent = "ibasho-line/1";
  clients::HttpClient client(options);
  clients::HttpReply reply = client.Get(target, {{"Accept-Language", "ja"}});
  if (reply.status == 0) return Status(StatusCode::kUnavailable, "gateway unreachable: " + reply.error);
  nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
  if (reply.status >= 500) return Status(StatusCode::kUnavailable, "gateway answered " + std::to_string(reply.status));
  if (reply.status >= 400) {
    std::string message = body.is_object() ? body.value("error", nlohmann::json::object()).value("message", "") : "";
    return InvalidArgument("gateway answered " + std::to_string(reply.status) + ": " + message);
  }
  if (body.is_discarded()) return Status(StatusCode::kUnavailable, "gateway sent no JSON");
  return body;
}

}  // namespace ibasho::line
