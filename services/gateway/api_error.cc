#include "services/gateway/api_error.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <vector>

#include "common/numbers.h"

namespace ibasho::gateway {
namespace {

using nlohmann::json;

constexpr char kDomain[] = "ibasho";
constexpr char kErrorInfo[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kBadRequest[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kLocalized[] = "type.googleapis.com/google.rpc.LocalizedMessage";

struct ReasonText {
  const char* reason;
  const char* japanese;
};

// One line per reason; {field} is replaced by the field at fault.
constexpr ReasonText kJapanese[] = {
    {"INVALID_FIELD", "入力内容に誤りがあります（項目: {field}）。"},
    {"INVALID_REQUEST", "リクエストの形式が正しくありません。"},
    {"UNAUTHENTICATED", "この操作にはトークンによる認証が必要です（Authorization: Bearer）。"},
    {"PERMISSION_DENIED", "この操作を行う権限がありません。"},
    {"NOT_FOUND", "指定されたものは見つかりませんでした。"},
    {"METHOD_NOT_ALLOWED", "このURLではこのメソッドは使えません。"},
    {"ALREADY_EXISTS", "同じものがすでに登録されています。"},
    {"CONCURRENT_CHANGE", "ほかの更新と重なりました。もう一度お試しください。"},
    {"CURSOR_EXPIRED", "変更履歴の位置が古すぎます。一覧を最初から取り直してください。"},
    {"VERSION_MISMATCH", "読み込んだあとに内容が更新されています。最新の内容を読み直してください。"},
    {"PRECONDITION_REQUIRED", "If-Match ヘッダー（読み込んだときの ETag）が必要です。"},
    {"BODY_TOO_LARGE", "送信されたデータが大きすぎます。"},
    {"HEADERS_TOO_LARGE", "リクエストヘッダーが大きすぎます。"},
    {"RATE_LIMITED", "短時間にリクエストが多すぎます。しばらく待ってからお試しください。"},
    {"UNAVAILABLE", "ただいま混み合っているか、一時的に利用できません。しばらくしてからお試しください。"},
    {"DEADLINE_EXCEEDED", "時間内に処理が終わりませんでした。しばらくしてからお試しください。"},
    {"INTERNAL", "サーバーで問題が起きました。時間をおいてお試しください。"},
};

std::string JapaneseFor(const std::string& reason, const std::string& field) {
  for (const auto& r : kJapanese) {
    if (reason != r.reason) continue;
    std::string text = r.japanese;
    if (auto at = text.find("{field}"); at != std::string::npos) text.replace(at, 7, field.empty() ? "-" : field);
    return text;
  }
  return JapaneseFor("INTERNAL", field);
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string ReasonFor(int http, std::string_view status, std::string_view field) {
  switch (http) {
    case 400:
      return field.empty() ? "INVALID_REQUEST" : "INVALID_FIELD";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 405:
      return "METHOD_NOT_ALLOWED";
    case 409:
      return status == "ABORTED" ? "CONCURRENT_CHANGE" : "ALREADY_EXISTS";
    case 410:
      return "CURSOR_EXPIRED";
    case 412:
      return "VERSION_MISMATCH";
    case 413:
      return "BODY_TOO_LARGE";
    case 428:
      return "PRECONDITION_REQUIRED";
    case 429:
      return "RATE_LIMITED";
    case 431:
      return "HEADERS_TOO_LARGE";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return "INTERNAL";
  }
}

std::string ApiErrorJson(const ApiError& e, bool japanese) {
  const std::string reason = e.reason.empty() ? ReasonFor(e.http, e.status, e.field) : e.reason;
  json info = {{"@type", kErrorInfo}, {"reason", reason}, {"domain", kDomain}};
  json details = json::array();
  if (japanese) {
    info["metadata"] = {{"message_en", e.message}};
    details.push_back(std::move(info));
    details.push_back({{"@type", kLocalized}, {"locale", "ja-JP"}, {"message", JapaneseFor(reason, e.field)}});
  } else {
    details.push_back(std::move(info));
  }
  if (!e.field.empty())
    details.push_back(
        {{"@type", kBadRequest}, {"fieldViolations", json::array({{{"field", e.field}, {"description", e.message}}})}});
  json body = {{"error",
                {{"code", e.http},
                 {"status", e.status},
                 {"message", japanese ? JapaneseFor(reason, e.field) : e.message},
                 {"details", std::move(details)}}}};
  return Dump(body);
}

bool PrefersJapanese(std::string_view header) {
  // The language range with the highest q wins; the first of equal ones.
  double best_q = -1;
  bool best_is_ja = false;
  size_t start = 0;
  while (start < header.size()) {
    size_t comma = header.find(',', start);
    std::string_view item =
        header.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? header.size() : comma + 1;
    size_t semi = item.find(';');
    std::string range(item.substr(0, semi));
    range.erase(0, range.find_first_not_of(" \t"));
    range.erase(range.find_last_not_of(" \t") + 1);
    if (range.empty()) continue;
    double q = 1;
    if (semi != std::string_view::npos) {
      std::string params(item.substr(semi + 1));
      if (auto at = params.find("q="); at != std::string::npos) {
        std::string value = params.substr(at + 2);
        value.erase(value.find_last_not_of(" \t") + 1);
        if (!ParseDouble(value, &q)) q = 0;
      }
    }
    for (auto& c : range) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool is_ja = range == "ja" || range.rfind("ja-", 0) == 0;
    if (q > best_q) {
      best_q = q;
      best_is_ja = is_ja;
    }
  }
  return best_is_ja && best_q > 0;
}

std::string LocalizeErrorJson(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return body;
  json& e = j["error"];
  if (!e.value("details", json::array()).is_array()) return body;
  ApiError error;
  error.http = e.value("code", 500);
  error.status = e.value("status", "INTERNAL");
  error.message = e.value("message", "");
  for (const auto& d : e["details"]) {
    if (!d.is_object()) continue;
    if (d.value("@type", "") == kErrorInfo) {
      error.reason = d.value("reason", "");
      if (d.contains("metadata")) return body;  // already localised
    }
    if (d.value("@type", "") == kBadRequest && d.contains("fieldViolations") && !d["fieldViolations"].empty())
      error.field = d["fieldViolations"][0].value("field", "");
  }
  return ApiErrorJson(error, /*japanese=*/true);
}

}  // namespace ibasho::gateway
