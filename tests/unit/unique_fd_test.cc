// core/unique_fd: a descriptor closed exactly once by its owner, and a temporary file gone
// when its owner is, whichever way the scope is left.
#include "core/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <stdexcept>
#include <string>

using namespace jp;
namespace fs = std::filesystem;

namespace {

bool fd_is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

int open_devnull() {
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  return fd;
}

}  // namespace

TEST_CASE("unique_fd: the owner closes its descriptor when it goes", "[unique_fd]") {
  int raw = open_devnull();
  {
    UniqueFd fd(raw);
    CHECK(fd);
    CHECK(fd.get() == raw);
    CHECK(fd_is_open(raw));
  }
  CHECK_FALSE(fd_is_open(raw));
  UniqueFd none;
  CHECK_FALSE(none);
  CHECK(none.get() == -1);
}

TEST_CASE("unique_fd: an exception leaving the scope closes the descriptor", "[unique_fd]") {
  int raw = open_devnull();
  try {
    UniqueFd fd(raw);
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  CHECK_FALSE(fd_is_open(raw));
}

TEST_CASE("unique_fd: moving hands the descriptor over; only the last owner closes it",
          "[unique_fd]") {
  int a = open_devnull(), b = open_devnull();
  UniqueFd first(a);
  UniqueFd second(std::move(first));
  CHECK_FALSE(first);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  CHECK(second.get() == a);
  UniqueFd third(b);
  third = std::move(second);  // closes b, takes a
  CHECK_FALSE(fd_is_open(b));
  CHECK(fd_is_open(a));
  CHECK(third.get() == a);
  third.reset();
  CHECK_FALSE(fd_is_open(a));
  CHECK_FALSE(third);
}

TEST_CASE("unique_fd: release gives the descriptor up, reset swaps it, close reports",
          "[unique_fd]") {
  int a = open_devnull(), b = open_devnull();
  {
    UniqueFd fd(a);
    CHECK(fd.release() == a);
    CHECK_FALSE(fd);
  }
  CHECK(fd_is_open(a));  // released: the caller owns it now
  UniqueFd fd(a);
  fd.reset(b);
  CHECK_FALSE(fd_is_open(a));
  CHECK(fd.get() == b);
  CHECK(fd.close());
  CHECK_FALSE(fd_is_open(b));
  CHECK_FALSE(fd);
  CHECK(fd.close());  // nothing held: nothing to fail
}

TEST_CASE("unique_fd: a temporary file is new, empty, private and removed with its owner",
          "[unique_fd]") {
  std::string path;
  {
    TempFile t("jp-unique-fd-test");
    path = t.path();
    CHECK(fs::path(path).filename().string().rfind("jp-unique-fd-test-", 0) == 0);
    CHECK(fs::path(path).parent_path() == fs::temp_directory_path());
    REQUIRE(fs::is_regular_file(path));
    CHECK(fs::file_size(path) == 0);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    TempFile other("jp-unique-fd-test");
    CHECK(other.path() != path);
  }
  CHECK_FALSE(fs::exists(path));
  try {
    TempFile t("jp-unique-fd-test");
    path = t.path();
    throw std::runtime_error("the workbook cannot be made");
  } catch (const std::runtime_error&) {
  }
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("unique_fd: a temporary file that cannot be made throws, naming it", "[unique_fd]") {
  // (mkstemp fills in the template's X's even when it fails)
  CHECK_THROWS_WITH(TempFile("no-such-folder/x"),
                    Catch::StartsWith("cannot create a temporary file " +
                                      (fs::temp_directory_path() / "no-such-folder/x-").string()) &&
                        Catch::EndsWith(": No such file or directory"));
}
