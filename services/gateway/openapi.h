// The API description (docs/openapi.yaml, OpenAPI 3.1) compiled in as JSON, served at
// GET /v1/openapi.json. Generated at build time; immutable.
#ifndef IBASHO_SERVICES_GATEWAY_OPENAPI_H_
#define IBASHO_SERVICES_GATEWAY_OPENAPI_H_

namespace ibasho::gateway {

extern const char kOpenApiJson[];

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_OPENAPI_H_
