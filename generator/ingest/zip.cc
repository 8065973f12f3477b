#include "ingest/zip.h"

#include <fmt/format.h>
#include <zip.h>

#include <algorithm>

#include "core/text.h"

namespace jp {

struct ZipReader::Handle {
  zip_t* z = nullptr;
  std::string bytes;  ///< an archive opened from memory: libzip reads it in place
  ~Handle() {
    if (z) zip_discard(z);  // read only: nothing to write back
  }
};

ZipReader::ZipReader(ZipLimits limits) : h_(std::make_unique<Handle>()), limits_(limits) {}
ZipReader::~ZipReader() = default;

bool safe_member_name(const std::string& name) {
  if (name.empty() || name[0] == '/' || name.find('\\') != std::string::npos) return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    if (name.compare(start, end - start, "..") == 0 && end - start == 2) return false;
    start = end + 1;
  }
  return name.find(':') == std::string::npos || name.find(':') > 1;  // no `C:` drive
}

bool ZipReader::open(const std::string& path, Diagnostics& diag) {
  path_ = path;
  int err = 0;
  h_->z = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
  if (!h_->z) {
    zip_error_t e;
    zip_error_init_with_code(&e, err);
    diag.error(path, "", "", fmt::format("not a readable zip archive: {}", zip_error_strerror(&e)));
    zip_error_fini(&e);
    return false;
  }
  return list(diag);
}

bool ZipReader::open_bytes(const std::string& name, std::string bytes, Diagnostics& diag) {
  path_ = name;
  h_->bytes = std::move(bytes);
  zip_error_t e;
  zip_error_init(&e);
  zip_source_t* src = zip_source_buffer_create(h_->bytes.data(), h_->bytes.size(), 0, &e);
  if (src) h_->z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &e);
  if (!h_->z) {
    if (src) zip_source_free(src);
    diag.error(name, "", "", fmt::format("not a readable zip archive: {}", zip_error_strerror(&e)));
    zip_error_fini(&e);
    return false;
  }
  zip_error_fini(&e);
  return list(diag);
}

bool ZipReader::list(Diagnostics& diag) {
  const std::string& path = path_;
  zip_int64_t n = zip_get_num_entries(h_->z, 0);
  if (n > 100000) {
    diag.error(path, "", "", fmt::format("{} members: more than any workbook or roster holds", n));
    return false;
  }
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(h_->z, zip_uint64_t(i), ZIP_FL_ENC_GUESS);
    std::string s = name ? name : "";
    if (!safe_member_name(s)) {
      diag.error(path, "", "",
                 fmt::format("a member named {}: a path out of the archive; the archive was "
                             "not read",
                             quoted_for_message(s)));
      return false;
    }
    names_.push_back(std::move(s));
  }
  return true;
}

bool ZipReader::has(const std::string& name) const {
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

std::optional<std::string> ZipReader::read(const std::string& name, Diagnostics& diag) {
  auto fail = [&](const std::string& why) {
    diag.error(path_, name, "", why);
    return std::nullopt;
  };
  zip_int64_t ix = zip_name_locate(h_->z, name.c_str(), 0);
  if (ix < 0) return fail("no such member in the archive");
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(h_->z, zip_uint64_t(ix), 0, &st) != 0)
    return fail(fmt::format("damaged: {}", zip_strerror(h_->z)));
  uint64_t compressed = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
  // The declared size may lie: the limits are held while inflating, on what comes out.
  uint64_t limit = std::min(limits_.member, limits_.ratio * compressed + limits_.slack);
  if (limits_.total > inflated_) limit = std::min(limit, limits_.total - inflated_);
  else limit = 0;
  zip_file_t* f = zip_fopen_index(h_->z, zip_uint64_t(ix), 0);
  if (!f) return fail(fmt::format("cannot be read: {}", zip_strerror(h_->z)));
  std::string out;
  if ((st.valid & ZIP_STAT_SIZE) && st.size <= limit) out.reserve(st.size);
  char buf[1 << 16];
  for (;;) {
    zip_int64_t got = zip_fread(f, buf, sizeof buf);
    if (got < 0) {
      std::string why = zip_error_strerror(zip_file_get_error(f));
      zip_fclose(f);
      return fail(fmt::format("damaged: {}", why));
    }
    if (got == 0) break;
    if (out.size() + uint64_t(got) > limit) {
      zip_fclose(f);
      return fail(fmt::format(
          "inflates past {} bytes from {} compressed (limits: {} MiB a member, {} times its "
          "compressed size): a zip bomb? not read",
          limit, compressed, limits_.member >> 20, limits_.ratio));
    }
    out.append(buf, size_t(got));
  }
  zip_fclose(f);
  inflated_ += out.size();
  return out;
}

}  // namespace jp
