#include "services/common/request_context.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <mutex>

#include "common/clock.h"
#include "common/crypto.h"

namespace ibasho::services {
namespace {

namespace gx = grpc::experimental;

constexpr size_t kMaxRequestIdBytes = 128;

thread_local std::string t_request_id;

// One per call: notes the id when the metadata arrives and logs when the status goes out.
class AccessLogInterceptor final : public gx::Interceptor {
 public:
  AccessLogInterceptor(const std::string* service, std::string method)
      : service_(service), method_(std::move(method)), start_(std::chrono::steady_clock::now()) {}
  void Intercept(gx::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      auto it = metadata->find(kRequestIdMetadata);
      if (it != metadata->end())
        request_id_ = AcceptOrMakeRequestId(std::string_view(it->second.data(), it->second.size()));
    }
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::PRE_SEND_STATUS)) {
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
      // Every field is a known-safe string (method names, a checked request id) or a number: no
      // JSON library on the hot path.
      char latency[32];
      std::snprintf(latency, sizeof latency, "%.3f", ms);
      std::string line = "{\"time\":\"" + NowRfc3339() + "\",\"service\":\"" + *service_ + "\",\"method\":\"" +
                         method_ + "\",\"grpc_code\":" +
                         std::to_string(static_cast<int>(methods->GetSendStatus().error_code())) +
                         ",\"latency_ms\":" + latency;
      if (!request_id_.empty()) line += ",\"request_id\":\"" + request_id_ + "\"";
      WriteAccessLog(line + "}");
    }
    methods->Proceed();
  }

 private:
  const std::string* service_;
  std::string method_;
  std::string request_id_;
  std::chrono::steady_clock::time_point start_;
};

class AccessLogFactory final : public gx::ServerInterceptorFactoryInterface {
 public:
  explicit AccessLogFactory(std::string service) : service_(std::move(service)) {}
  gx::Interceptor* CreateServerInterceptor(gx::ServerRpcInfo* info) override {
    std::string method = info->method();
    // Health checks, reflection and the gateway's status probes would drown the log.
    if (method.rfind("/grpc.", 0) == 0 || method.ends_with("/IndexStatus") || method.ends_with("/GetStatus"))
      return nullptr;
    return new AccessLogInterceptor(&service_, std::move(method));
  }

 private:
  const std::string service_;
};

}  // namespace

std::string AcceptOrMakeRequestId(std::string_view offered) {
  bool ok = !offered.empty() && offered.size() <= kMaxRequestIdBytes;
  for (char c : offered)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-');
  return ok ? std::string(offered) : RandomHex(8);
}

RequestIdScope::RequestIdScope(std::string id) : previous_(std::move(t_request_id)) { t_request_id = std::move(id); }
RequestIdScope::~RequestIdScope() { t_request_id = std::move(previous_); }

const std::string& CurrentRequestId() { return t_request_id; }

void AddRequestId(grpc::ClientContext* context) {
  if (!t_request_id.empty()) context->AddMetadata(kRequestIdMetadata, t_request_id);
}

std::unique_ptr<gx::ServerInterceptorFactoryInterface> AccessLogInterceptorFactory(std::string service) {
  return std::make_unique<AccessLogFactory>(std::move(service));
}

void WriteAccessLog(const nlohmann::json& line) {
  WriteAccessLog(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void WriteAccessLog(std::string text) {
  text += "\n";
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
}

}  // namespace ibasho::services
