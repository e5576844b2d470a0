// Operations on the whole store: sizes for metrics and the online backup.
#include <filesystem>

#include <SQLiteCpp/Backup.h>

#include "storage/store_impl.h"

namespace ibasho::storage {

StatusOr<int64_t> RegistryStore::GroupCount() {
  return impl_->Guarded("count groups", [&]() -> StatusOr<int64_t> {
    return impl_->db->execAndGet("SELECT COUNT(*) FROM groups").getInt64();
  });
}

int64_t RegistryStore::DatabaseBytes() const {
  int64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    auto size = std::filesystem::file_size(impl_->options.path + suffix, ec);
    if (!ec) total += static_cast<int64_t>(size);
  }
  return total;
}

StatusOr<BackupInfo> RegistryStore::Backup(const std::string& path) {
  if (path.empty()) return InvalidArgument("a backup needs a file path", "path");
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return InvalidArgument("the backup file " + path + " already exists", "path");
  // A connection of its own, so the store's lock is not held: in WAL mode its one read
  // transaction sees a consistent snapshot while writers go on. One step copies every page (a
  // stepwise copy would restart whenever a writer commits).
  try {
    SQLite::Database source(impl_->options.path, SQLite::OPEN_READONLY);
    SQLite::Database target(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup backup(target, source);
    backup.executeStep(-1);
    target.exec("PRAGMA journal_mode = WAL");
    BackupInfo info;
    info.path = path;
    info.latest_cursor = target.execAndGet("SELECT COALESCE(MAX(seq), 0) FROM changes").getInt64();
    std::string integrity = target.execAndGet("PRAGMA quick_check").getString();
    if (integrity != "ok") return Internal("the backup failed its integrity check: " + integrity);
    info.bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec));
    return info;
  } catch (const std::exception& e) {
    std::filesystem::remove(path, ec);
    return Internal(std::string("backup failed: ") + e.what());
  }
}

}  // namespace ibasho::storage
