// A small blocking HTTP(S) client on libcurl, for the tools that talk to a gateway (ibasho-sync,
// ibasho-line) and to LINE's API. Not thread-safe: one client per thread.
#ifndef IBASHO_CLIENTS_HTTP_HTTP_CLIENT_H_
#define IBASHO_CLIENTS_HTTP_HTTP_CLIENT_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ibasho::clients {

struct HttpClientOptions {
  std::string base_url = "http://127.0.0.1:8080";  // no trailing slash
  std::string token;                               // Bearer token; empty: anonymous
  long timeout_seconds = 300;                      // a whole request, upload and report included
  std::string user_agent = "ibasho/1";
};

struct HttpReply {
  long status = 0;  // 0 when no answer came (error says why)
  std::string body;
  std::string error;                           // transport failure, e.g. "Couldn't connect to server"
  std::map<std::string, std::string> headers;  // lower-case names
};

// Headers of one request beyond the client's own (Authorization, Content-Type).
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Called with bytes sent so far and the total while a body uploads.
using UploadProgress = std::function<void(size_t sent, size_t total)>;

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpReply Get(const std::string& target, const HttpHeaders& headers = {});
  HttpReply Post(const std::string& target, const std::string& body, const std::string& content_type,
                 const UploadProgress& progress = nullptr, const HttpHeaders& headers = {});

 private:
  HttpReply Perform(const std::string& target, const std::string* body, const std::string& content_type,
                    const UploadProgress& progress, const HttpHeaders& extra);
  HttpClientOptions options_;
  void* curl_;  // CURL*
};

}  // namespace ibasho::clients

#endif  // IBASHO_CLIENTS_HTTP_HTTP_CLIENT_H_
