// LINE's Messaging API as ibasho-line uses it: webhook signatures, and reply / push / multicast
// over HTTPS (libcurl). Thread-safe: each call uses its own connection.
#ifndef IBASHO_CLIENTS_LINE_LINE_API_H_
#define IBASHO_CLIENTS_LINE_LINE_API_H_

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ibasho::line {

// LINE's limits that shape what the bot sends (Messaging API reference).
inline constexpr size_t kMaxMulticastUsers = 500;
inline constexpr size_t kMaxMessagesPerCall = 5;
inline constexpr size_t kMaxQuickReplyItems = 13;
inline constexpr size_t kMaxActionLabelChars = 20;
inline constexpr size_t kMaxPostbackDataBytes = 300;
inline constexpr size_t kMaxAltTextChars = 400;
inline constexpr size_t kMaxUriBytes = 1000;
inline constexpr size_t kMaxCarouselBubbles = 12;
inline constexpr size_t kMaxBubbleJsonBytes = 10000;  // LINE allows 30 KB; a listing needs far less
inline constexpr size_t kMaxFlexJsonBytes = 50000;

// Whether signature (X-Line-Signature) is the base64 HMAC-SHA256 of the raw body under the channel
// secret. Constant-time; false for an empty secret or signature.
bool VerifySignature(std::string_view channel_secret, std::string_view body, std::string_view signature);

struct LineApiOptions {
  std::string base_url = "https://api.line.me";  // no trailing slash
  std::string channel_token;                     // the channel access token (Bearer)
  long timeout_seconds = 10;
};

// What LINE answered.
struct LineCall {
  long status = 0;  // 0: no answer (error says why)
  std::string error;
  int retry_after_seconds = 0;  // from Retry-After, when given
  bool ok() const { return status >= 200 && status < 300; }
  // 429, 5xx and transport failures may succeed later; other 4xx will not.
  bool retryable() const { return status == 0 || status == 429 || status >= 500; }
};

class LineApi {
 public:
  explicit LineApi(LineApiOptions options) : options_(std::move(options)) {}
  // POST /v2/bot/message/reply.
  LineCall Reply(const std::string& reply_token, const nlohmann::json& messages) const;
  // POST /v2/bot/message/multicast to at most kMaxMulticastUsers users. retry_key (a UUID) makes a
  // retried call idempotent: LINE answers 409 for a key it already accepted.
  LineCall Multicast(const std::vector<std::string>& user_ids, const nlohmann::json& messages,
                     const std::string& retry_key) const;
  // POST /v2/bot/message/push to one user (same retry key rule).
  LineCall Push(const std::string& user_id, const nlohmann::json& messages, const std::string& retry_key) const;

 private:
  LineCall Post(const std::string& path, const nlohmann::json& body, const std::string& retry_key) const;
  LineApiOptions options_;
};

// A random UUID (version 4) from OpenSSL's CSPRNG, for X-Line-Retry-Key.
std::string RandomUuid();

}  // namespace ibasho::line

#endif  // IBASHO_CLIENTS_LINE_LINE_API_H_
