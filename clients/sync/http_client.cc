#include "clients/sync/http_client.h"

#include <curl/curl.h>

namespace ibasho::sync {
namespace {

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
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

HttpReply HttpClient::Get(const std::string& target) { return Perform(target, nullptr, "", nullptr); }

HttpReply HttpClient::Post(const std::string& target, const std::string& body, const std::string& content_type,
                           const UploadProgress& progress) {
  return Perform(target, &body, content_type, progress);
}

HttpReply HttpClient::Perform(const std::string& target, const std::string* body, const std::string& content_type,
                              const UploadProgress& progress) {
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
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "ibasho-sync/1");
  curl_slist* headers = nullptr;
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

}  // namespace ibasho::sync
