// Where an ibasho binary finds its data files. An installed ibasho keeps them in
// <prefix>/share/ibasho, beside <prefix>/bin where the binaries are; a binary run from the build
// tree uses the source and build trees it was compiled from. Thread-safe.
#ifndef IBASHO_COMMON_INSTALL_PATHS_H_
#define IBASHO_COMMON_INSTALL_PATHS_H_

#include <string>

namespace ibasho {

// <prefix>/share/ibasho/<installed_relative> when that exists beside the running binary,
// otherwise build_tree_path.
std::string DataPath(const std::string& installed_relative, const std::string& build_tree_path);

}  // namespace ibasho

#endif  // IBASHO_COMMON_INSTALL_PATHS_H_
