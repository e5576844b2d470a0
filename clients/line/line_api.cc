#include "clients/line/line_api.h"

#include "clients/http/http_client.h"
#include "common/crypto.h"
#include "common/numbers.h"

namespace ibasho::line {

bool VerifySignature(std::string_view channel_secret, std::string_view body, std::string_view signature) {
  if (channel_secret.empty() || signature.empty()) return false;
  return ConstantTimeEquals(HmacSha256Base64(channel_secret, body), signature);
}

LineCall LineApi::Reply(const std::string& reply_token, const nlohmann::json& messages) const {
  return Post("/v2/bot/message/reply", {{"replyToken", reply_token}, {"messages", messages}}, "");
}

LineCall LineApi::Multicast(const std::vector<std::string>& user_ids, const nlohmann::json& messages,
                            const std::string& retry_key) const {
  return Post("/v2/bot/message/multicast", {{"to", user_ids}, {"messages", messages}}, retry_key);
}

LineCall LineApi::Push(const std::string& user_id, const nlohmann::json& messages, const std::string& retry_key) const {
  return Post("/v2/bot/message/push", {{"to", user_id}, {"messages", messages}}, retry_key);
}

LineCall LineApi::Post(const std::string& path, const nlohmann::json& body, const std::string& retry_key) const {
  clients::HttpClientOptions http;
  http.base_url = options_.base_url;
  http.token = options_.channel_token;
  http.timeout_seconds = options_.timeout_seconds;
  http.user_agent = "ibasho-line/1";
  clients::HttpClient client(http);
  clients::HttpHeaders headers;
  if (!retry_key.empty()) headers.emplace_back("X-Line-Retry-Key", retry_key);
  clients::HttpReply reply = client.Post(path, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                         "application/json", nullptr, headers);
  LineCall call;
  call.status = reply.status;
  call.error = reply.error;
  if (auto it = reply.headers.find("retry-after"); it != reply.headers.end()) {
    int64_t seconds = 0;
    if (ParseInt64(it->second, &seconds) && seconds >= 0 && seconds <= 3600)
      call.retry_after_seconds = static_cast<int>(seconds);
  }
  if (!call.ok() && call.error.empty()) call.error = reply.body.substr(0, 200);
  return call;
}

std::string RandomUuid() {
  std::string hex = RandomHex(16);
  hex[12] = '4';  // version 4
  const int nibble = hex[16] >= 'a' ? hex[16] - 'a' + 10 : hex[16] - '0';
  hex[16] = "89ab"[nibble & 3];  // the RFC 4122 variant
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

}  // namespace ibasho::line
