// A small blocking HTTP(S) client for the gateway's API, on libcurl. One client per thread.
#ifndef IBASHO_CLIENTS_SYNC_HTTP_CLIENT_H_
#define IBASHO_CLIENTS_SYNC_HTTP_CLIENT_H_

#include <functional>
#include <string>

namespace ibasho::sync {

struct HttpClientOptions {
  std::string base_url = "http://127.0.0.1:8080";  // no trailing slash
  std::string token;                               // Bearer token; empty: anonymous
  long timeout_seconds = 300;                      // a whole request, upload and report included
};

struct HttpReply {
  long status = 0;  // 0 when no answer came (error says why)
  std::string body;
  std::string error;  // transport failure, e.g. "Couldn't connect to server"
};

// Called with bytes sent so far and the total while a body uploads.
using UploadProgress = std::function<void(size_t sent, size_t total)>;

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpReply Get(const std::string& target);
  HttpReply Post(const std::string& target, const std::string& body, const std::string& content_type,
                 const UploadProgress& progress = nullptr);

 private:
  HttpReply Perform(const std::string& target, const std::string* body, const std::string& content_type,
                    const UploadProgress& progress);
  HttpClientOptions options_;
  void* curl_;  // CURL*
};

}  // namespace ibasho::sync

#endif  // IBASHO_CLIENTS_SYNC_HTTP_CLIENT_H_
