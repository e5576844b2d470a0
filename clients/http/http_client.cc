#include "clients/http/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace ibasho::clients {
namespace {

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// "Retry-After: 3\r\n" → headers["retry-after"] = "3".
size_t OnHeader(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    size_t begin = line.find_first_not_of(" \t", colon + 1);
    size_t end = line.find_last_not_of(" \t\r\n");
    (*static_cast<std::map<std::string, std::string>*>(out))[name] =
        begin == std::string::npos || end < begin ? "" : line.substr(begin, end - begin + 1);
  }
  return size * n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t total_up, curl_off_t sent) {
  const auto* progress = static_cast<const UploadProgress*>(user);
  if (*progress && total_up > 0) (*progress)(static_cast<size_t>(sent), static_cast<size_t>(total_up));
  return 0;
}

}  // namespace

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpReply HttpClient::Get(const std::string& target, const HttpHeaders& headers) {
  return Perform(target, nullptr, "", nullptr, headers);
}

HttpReply HttpClient::Post(const std::string& target, const std::string& body, const std::string& content_type,
                           const UploadProgress& progress, const HttpHeaders& headers) {
  return Perform(target, &body, content_type, progress, headers);
}

HttpReply HttpClient::Perform(const std::string& target, const std::string* body, const std::string& content_type,
                              const UploadProgress& progress, const HttpHeaders& extra) {
  HttpReply reply;
  CURL* curl = static_cast<CURL*>(curl_);
  if (!curl) {
    reply.error = "libcurl could not start";
    return reply;
  }
  curl_easy_reset(curl);
  std::string url = options_.base_url + target;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, options_.timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  curl_slist* headers = nullptr;
  std::vector<std::string> extra_lines;
  for (const auto& [name, value] : extra) extra_lines.push_back(name + ": " + value);
  for (const auto& line : extra_lines) headers = curl_slist_append(headers, line.c_str());
  std::string auth = "Authorization: Bearer " + options_.token;
  if (!options_.token.empty()) headers = curl_slist_append(headers, auth.c_str());
  std::string type = "Content-Type: " + content_type;
  if (body) {
    headers = curl_slist_append(headers, type.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    headers = curl_slist_append(headers, "Expect:");  // send at once; the gateway checks the head itself
  }
  if (progress) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &progress);
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    reply.error = curl_easy_strerror(rc);
  } else {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  }
  curl_slist_free_all(headers);
  return reply;
}

}  // namespace ibasho::clients
