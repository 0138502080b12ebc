"""Say in one line when `make run` cannot use its port; print nothing when it can.

Runs with the system Python before the virtualenv exists (standard library only),
so a busy port is reported before minutes of set-up, not after.

    python3 scripts/check_port.py 8000 [host]
"""

import socket
import sys


def problem(port_text: str, host: str = "127.0.0.1") -> str:
    """Return what is wrong with serving on host:port, or "" when it is free."""
    try:
        port = int(port_text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        return (
            f"PORT={port_text!r} is not a port number: "
            "use a number from 1024 to 65535, e.g. make run PORT=8100"
        )
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the development server does, so a closed connection's TIME_WAIT
        # does not count as busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except PermissionError:
            return (
                f"Port {port} needs administrator rights: "
                f"choose one above 1023, e.g. make run PORT={suggestion(port)}"
            )
        except OSError:
            return (
                f"Port {port} on {host} is already in use (is the app already "
                f"running?): stop that server, or start on another port with "
                f"make run PORT={suggestion(port)}"
            )
    return ""


def suggestion(port: int, host: str = "127.0.0.1") -> int:
    """A nearby free port to suggest (the next free multiple of 100 above)."""
    candidate = max(1100, (port // 100 + 1) * 100)
    for _ in range(50):
        if candidate > 65535:
            break
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, candidate))
            except OSError:
                candidate += 100
                continue
        return candidate
    return 8100


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: check_port.py PORT [HOST]", file=sys.stderr)
        return 2
    message = problem(argv[1], *argv[2:3])
    if message:
        print(message)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
