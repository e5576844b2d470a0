// QR codes as inline SVG (for printed pages: no script, no image files). Thread-safe.
#ifndef IBASHO_SERVICES_GATEWAY_QR_SVG_H_
#define IBASHO_SERVICES_GATEWAY_QR_SVG_H_

#include <optional>
#include <string>

namespace ibasho::gateway {

// An <svg> element drawing text as a QR code (error correction level M, 4-module quiet zone),
// size_mm wide when printed, with label as its accessible name. nullopt when text cannot be
// encoded (over the format's capacity).
std::optional<std::string> QrSvg(const std::string& text, const std::string& label, int size_mm = 22);

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_QR_SVG_H_
