#include "service/grpc_status.h"

#include "gtest/gtest.h"

namespace keyward::service {
namespace {

TEST(GrpcStatusTest, KeepsEveryCodeAndTheMessage) {
  const struct {
    absl::Status status;
    grpc::StatusCode grpc_code;
  } kCases[] = {
      {absl::InvalidArgumentError("digest: 31 bytes"),
       grpc::StatusCode::INVALID_ARGUMENT},
      {absl::NotFoundError("key not found"), grpc::StatusCode::NOT_FOUND},
      {absl::PermissionDeniedError("no"), grpc::StatusCode::PERMISSION_DENIED},
      {absl::FailedPreconditionError("policy"),
       grpc::StatusCode::FAILED_PRECONDITION},
      {absl::DeadlineExceededError("late"),
       grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::UnauthenticatedError("who"), grpc::StatusCode::UNAUTHENTICATED},
      {absl::ResourceExhaustedError("full"),
       grpc::StatusCode::RESOURCE_EXHAUSTED},
      {absl::CancelledError("gone"), grpc::StatusCode::CANCELLED},
      {absl::InternalError("bug"), grpc::StatusCode::INTERNAL},
  };
  for (const auto& c : kCases) {
    const grpc::Status converted = ToGrpcStatus(c.status);
    EXPECT_EQ(converted.error_code(), c.grpc_code) << c.status;
    EXPECT_EQ(converted.error_message(), c.status.message());
    const v1::Status proto = ToProtoStatus(c.status);
    EXPECT_EQ(proto.code(), static_cast<int>(c.grpc_code));
    EXPECT_EQ(proto.message(), c.status.message());
  }
}

TEST(GrpcStatusTest, OkStaysOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_EQ(ToProtoStatus(absl::OkStatus()).code(), 0);
  EXPECT_EQ(ToProtoStatus(absl::OkStatus()).message(), "");
}

}  // namespace
}  // namespace keyward::service
