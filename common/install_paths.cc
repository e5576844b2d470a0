#include "common/install_paths.h"

#include <filesystem>

namespace ibasho {

std::string DataPath(const std::string& installed_relative, const std::string& build_tree_path) {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    std::filesystem::path installed = exe.parent_path().parent_path() / "share" / "ibasho" / installed_relative;
    if (std::filesystem::exists(installed, ec)) return installed.string();
  }
  return build_tree_path;
}

}  // namespace ibasho
