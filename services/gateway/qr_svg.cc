#include "services/gateway/qr_svg.h"

#include <qrencode.h>

#include <memory>

#include "common/html.h"

namespace ibasho::gateway {

std::optional<std::string> QrSvg(const std::string& text, const std::string& label, int size_mm) {
  constexpr int kQuietZone = 4;
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString8bit(text.c_str(), /*version=*/0, QR_ECLEVEL_M), &QRcode_free);
  if (!code) return std::nullopt;
  const int width = code->width;
  const int side = width + 2 * kQuietZone;
  // One path: a unit square per dark module (bit 0 of each byte).
  std::string path;
  for (int y = 0; y < width; ++y)
    for (int x = 0; x < width; ++x)
      if (code->data[y * width + x] & 1)
        path += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h1v1h-1z";
  const std::string size = std::to_string(size_mm) + "mm";
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" aria-label=\"" + HtmlEscape(label) +
         "\" width=\"" + size + "\" height=\"" + size + "\" viewBox=\"0 0 " + std::to_string(side) + " " +
         std::to_string(side) + "\" shape-rendering=\"crispEdges\"><rect width=\"" + std::to_string(side) +
         "\" height=\"" + std::to_string(side) + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace ibasho::gateway
