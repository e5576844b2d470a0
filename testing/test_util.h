// Helpers shared by the tests: temporary directories and free loopback ports.
#ifndef IBASHO_TESTING_TEST_UTIL_H_
#define IBASHO_TESTING_TEST_UTIL_H_

#include <chrono>
#include <map>
#include <string>

namespace ibasho::testing {

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago, never the same twice in one process.
int FreePort();

// The whole content of a file ("" when unreadable).
std::string ReadFile(const std::string& path);
// Replaces the file's content (creates it).
void WriteFile(const std::string& path, const std::string& content);

struct HttpReply {
  int status = -1;  // -1 when the connection failed
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};
// Connects to 127.0.0.1:port, sends bytes as they are, and returns everything the server sends
// until it closes the connection or wait passes. -1 in *fd_out keeps the socket open: the caller
// closes it (to hold idle connections).
std::string RawExchange(int port, const std::string& bytes, std::chrono::milliseconds wait, int* fd_out = nullptr);

// One HTTP/1.1 request to 127.0.0.1:port on a fresh connection.
HttpReply HttpFetch(int port, const std::string& method, const std::string& target, const std::string& body = "",
                    const std::map<std::string, std::string>& headers = {});

}  // namespace ibasho::testing

#endif  // IBASHO_TESTING_TEST_UTIL_H_
