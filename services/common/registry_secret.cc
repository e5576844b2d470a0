#include "services/common/registry_secret.h"

#include <fcntl.h>
#include <grpcpp/support/client_interceptor.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/crypto.h"
#include "services/common/channel.h"

namespace ibasho::services {
namespace {

namespace gx = grpc::experimental;

// Adds the secret to the initial metadata of every call on the channel.
class SecretInterceptor final : public gx::Interceptor {
 public:
  explicit SecretInterceptor(const std::string& secret) : secret_(secret) {}
  void Intercept(gx::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA))
      methods->GetSendInitialMetadata()->insert({kRegistrySecretHeader, secret_});
    methods->Proceed();
  }

 private:
  const std::string& secret_;
};

class SecretInterceptorFactory final : public gx::ClientInterceptorFactoryInterface {
 public:
  explicit SecretInterceptorFactory(std::string secret) : secret_(std::move(secret)) {}
  gx::Interceptor* CreateClientInterceptor(gx::ClientRpcInfo*) override { return new SecretInterceptor(secret_); }

 private:
  const std::string secret_;  // outlives the channel's calls: the factory lives as long as the channel
};

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

StatusOr<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kUnavailable, "cannot read the registry secret " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string secret = Trimmed(ss.str());
  if (secret.size() < 16) return Status(StatusCode::kUnavailable, "the registry secret in " + path + " is too short");
  return secret;
}

}  // namespace

StatusOr<std::string> LoadOrCreateRegistrySecret(const std::string& path) {
  if (std::filesystem::exists(path)) return ReadSecretFile(path);
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  std::string secret = RandomHex(32);
  // Written to a private temporary file, then renamed: a reader never sees half a secret.
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Status(StatusCode::kUnavailable, "cannot create the registry secret " + path);
  std::string line = secret + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::fchmod(fd, 0600);
  ::close(fd);
  if (!written || std::rename(tmp.c_str(), path.c_str()) != 0)
    return Status(StatusCode::kUnavailable, "cannot write the registry secret " + path);
  return secret;
}

StatusOr<std::string> ReadRegistrySecret(const std::string& path, std::chrono::milliseconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    auto secret = ReadSecretFile(path);
    if (secret.ok() || std::chrono::steady_clock::now() >= deadline) return secret;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::shared_ptr<grpc::Channel> MakeRegistryChannel(const std::string& address, const std::string& secret) {
  std::vector<std::unique_ptr<gx::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<SecretInterceptorFactory>(secret));
  return gx::CreateCustomChannelWithInterceptors(address, grpc::InsecureChannelCredentials(), ChannelArguments(),
                                                 std::move(interceptors));
}

}  // namespace ibasho::services
