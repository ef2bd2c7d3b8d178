#ifndef KEYWARD_SERVICE_SECRET_CLEANSING_H_
#define KEYWARD_SERVICE_SECRET_CLEANSING_H_

#include "grpcpp/support/message_allocator.h"
#include "keyward/v1/key_service.pb.h"

// Protobuf messages keep their bytes fields in plain std::string, so the
// messages that carry secrets (pre-master and master secrets, key blocks,
// traffic secrets, the caller's PSK and (EC)DHE secret) are wiped field by
// field with OPENSSL_cleanse before they are freed. gRPC's own serialization
// buffers are outside our reach.
namespace keyward::service {

// CleanseSecrets overwrites the secret fields of a message with zeros and
// clears them. One overload per message that holds secrets, and explicit
// no-ops for the requests of the RSA key exchange, whose ciphertext is
// public.
void CleanseSecrets(v1::DecryptPreMasterRequest* message);
void CleanseSecrets(v1::DecryptPreMasterResponse* message);
void CleanseSecrets(v1::RsaKeyExchangeRequest* message);
void CleanseSecrets(v1::RsaKeyExchangeResponse* message);
void CleanseSecrets(v1::DeriveSessionKeysRequest* message);
void CleanseSecrets(v1::DeriveSessionKeysResponse* message);
void CleanseSecrets(v1::PipelineRequest* message);
void CleanseSecrets(v1::PipelineResponse* message);

// CleansingMessageAllocator gives a unary callback method request and
// response objects that are wiped with CleanseSecrets when gRPC releases
// them (after the response was sent). Install it with the generated
// SetMessageAllocatorFor_<Method>; it must outlive the server.
template <typename Request, typename Response>
class CleansingMessageAllocator
    : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override {
    return new Holder();
  }

 private:
  class Holder : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() {
      this->set_request(&request_);
      this->set_response(&response_);
    }
    void Release() override {
      CleanseSecrets(&request_);
      CleanseSecrets(&response_);
      delete this;
    }

   private:
    Request request_;
    Response response_;
  };
};

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_SECRET_CLEANSING_H_
