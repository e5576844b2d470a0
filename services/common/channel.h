// gRPC client channels between ibasho's services: insecure loopback, quick reconnects (a restarted
// peer is used again within a second rather than after gRPC's default backoff of up to 2 minutes),
// and room for large change batches.
#ifndef IBASHO_SERVICES_COMMON_CHANNEL_H_
#define IBASHO_SERVICES_COMMON_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace ibasho::services {

// The arguments every channel between the services uses.
grpc::ChannelArguments ChannelArguments();
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_COMMON_CHANNEL_H_
