"""Reading files that a student controls: a submission's folder, and
anything written where a kernel could reach. Nothing here follows a link,
opens a FIFO or a device, or reads more than a limit; each refusal is an
UnsafeFile with a sentence saying why."""
import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 32 << 20    # a notebook with its outputs is a few MB at most
MAX_FILES = 200              # in one submission or one folder copied


class UnsafeFile(Exception):
    """A path that is not a regular file of reasonable size (a link, a FIFO,
    a device, a folder, too large) or that could not be read."""


def kind(st):
    """What an lstat result is, in words."""
    for test, word in ((stat.S_ISLNK, "a link"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder")):
        if test(st.st_mode):
            return word
    return "a file" if stat.S_ISREG(st.st_mode) else "a special file"


def read_bytes(path, limit=MAX_FILE_BYTES):
    """The bytes of the regular file at `path`, opened without following a
    link and without waiting on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise UnsafeFile("%s cannot be opened (%s)" % (Path(path).name, "it is a link" if e.errno == 40
                                                         else e.strerror)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile("%s is %s, not a file" % (Path(path).name, kind(st)))
        if st.st_size > limit:
            raise UnsafeFile("%s is larger than %d MB" % (Path(path).name, limit >> 20))
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise UnsafeFile("%s is larger than %d MB" % (Path(path).name, limit >> 20))
        return data
    finally:
        os.close(fd)


def is_folder(path):
    """Whether `path` is a folder itself, not a link to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def entries(folder, limit=MAX_FILES):
    """[(relative path, lstat kind)] of everything under `folder`, links not
    followed, at most `limit` entries (UnsafeFile beyond)."""
    found, todo = [], [Path(folder)]
    while todo:
        top = todo.pop()
        with os.scandir(top) as it:
            for entry in it:
                st = entry.stat(follow_symlinks=False)
                found.append((str(Path(entry.path).relative_to(folder)), kind(st)))
                if len(found) > limit:
                    raise UnsafeFile("it holds more than %d files" % limit)
                if stat.S_ISDIR(st.st_mode):
                    todo.append(Path(entry.path))
    return sorted(found)


def copy_files(source, dest, names=None, limit=MAX_FILES):
    """Copy the regular files at the top of `source` (those in `names`, if
    given) into `dest`, which is made; return the names left out. Only file
    contents are copied: never a link, a mode or a FIFO."""
    Path(dest).mkdir(parents=True, exist_ok=True)
    left_out = []
    for rel, what in entries(source, limit):
        if "/" in rel:
            continue
        if what != "a file" or (names is not None and rel not in names):
            left_out.append(rel)
            continue
        Path(dest, rel).write_bytes(read_bytes(Path(source, rel)))
    return left_out
