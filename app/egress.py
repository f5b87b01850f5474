"""Egress policy: may the service reach this URL, this address?

One answer for every outgoing request (today: webhook deliveries), asked when a URL is accepted
and again right before it is reached, because a name may resolve elsewhere later (DNS
rebinding). Only public unicast addresses are reached: loopback, private (RFC 1918), link-local,
shared (CGNAT, 100.64/10), unique-local (fc00::/7), multicast, unspecified, reserved,
documentation and benchmarking ranges are refused, and so are IPv6 addresses that embed one of
those (IPv4-mapped, NAT64, 6to4). The one exception is an explicit allow-list of networks
(`webhook_allowed_networks`, empty by default).

A host is an address in any spelling the system accepts (`127.1`, `0x7f000001`, `2130706433`,
`0177.0.0.1` are all 127.0.0.1: they are normalised by the system's own numeric parser, not by
`ipaddress`, which rejects them) or a name; a name is resolved, every address it resolves to is
checked, and the caller connects to a checked address (`Destination.address`) with the name as
`Host` and TLS server name, so no second resolution can swap it.

Refused too: user information in the URL, non-ASCII or malformed host names, and ports below
1024 other than the scheme's own (443, or 80 for plain http): a webhook has no business with
SSH, SMTP or any other privileged service port.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Plain http is only ever for a receiver on this machine, outside production.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
DEFAULT_PORTS = {"https": 443, "http": 80}
FIRST_UNPRIVILEGED_PORT = 1024

_NETWORKS: tuple[tuple[str, str], ...] = (
    ("unspecified", "0.0.0.0/8"),
    ("private", "10.0.0.0/8"),
    ("shared (CGNAT)", "100.64.0.0/10"),
    ("loopback", "127.0.0.0/8"),
    ("link-local", "169.254.0.0/16"),
    ("private", "172.16.0.0/12"),
    ("reserved", "192.0.0.0/24"),
    ("documentation", "192.0.2.0/24"),
    ("reserved", "192.88.99.0/24"),
    ("private", "192.168.0.0/16"),
    ("benchmarking", "198.18.0.0/15"),
    ("documentation", "198.51.100.0/24"),
    ("documentation", "203.0.113.0/24"),
    ("multicast", "224.0.0.0/4"),
    ("reserved", "240.0.0.0/4"),
    ("unspecified", "::/128"),
    ("loopback", "::1/128"),
    ("private", "64:ff9b:1::/48"),
    ("reserved", "100::/64"),
    ("reserved", "2001::/23"),
    ("documentation", "2001:db8::/32"),
    ("documentation", "3fff::/20"),
    ("unique-local", "fc00::/7"),
    ("link-local", "fe80::/10"),
    ("reserved", "fec0::/10"),
    ("multicast", "ff00::/8"),
)
REFUSED_NETWORKS: tuple[tuple[str, IPNetwork], ...] = tuple(
    (kind, ipaddress.ip_network(cidr)) for kind, cidr in _NETWORKS
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Every other IPv6 address outside global unicast is reserved.
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


class Refused(Exception):
    """This URL or address may not be reached; `reason` is short and safe to show or store."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unresolved(Exception):
    """The host name did not resolve (now): nothing to check, nothing to reach."""


# host name -> the addresses it resolves to (any spelling the system accepts)
Resolver = Callable[[str], Awaitable[Sequence[str]]]


async def system_resolver(host: str) -> Sequence[str]:
    """The system's resolver (getaddrinfo), off the event loop."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Unresolved(host) from exc
    return [str(info[4][0]) for info in infos]


# The resolver used when a caller passes none (tests put a resolver of their own here).
default_resolver: Resolver = system_resolver


@dataclass(frozen=True, slots=True)
class Target:
    """A URL taken apart: what is connected to, and what is said to it."""

    scheme: str
    host: str  # lower case; an IPv6 literal without its brackets
    port: int
    path: str  # path and query, at least "/"
    address: IPAddress | None  # the host, when it is an address (in any spelling)

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Destination:
    """A target and the checked address to connect to."""

    target: Target
    address: IPAddress

    @property
    def url(self) -> str:
        """The URL to request: the checked address in place of the name."""
        host = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return f"{self.target.scheme}://{host}:{self.target.port}{self.target.path}"


def numeric_address(host: str) -> IPAddress | None:
    """The address `host` spells, in any form the system's own parser accepts; None for names.

    AI_NUMERICHOST never asks a resolver: it parses (inet_aton for IPv4, so `127.1` and
    `0x7f000001` count) and fails on anything that is not an address.
    """
    try:
        infos = socket.getaddrinfo(host, None, flags=socket.AI_NUMERICHOST, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    return _address(str(infos[0][4][0]))


def _address(text: str) -> IPAddress:
    # getaddrinfo may answer a scoped IPv6 address ("fe80::1%eth0"): the scope is no part of it.
    return ipaddress.ip_address(text.split("%", 1)[0])


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for: IPv4-mapped, NAT64 (64:ff9b::/96), 6to4."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def refusal(address: IPAddress, allowed: Sequence[IPNetwork] = ()) -> str | None:
    """Why `address` may not be reached ("loopback", "private" ...), or None: it may be."""
    inner = embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
    if any(address in network or (inner is not None and inner in network) for network in allowed):
        return None
    if inner is not None:
        reason = refusal(inner)
        return None if reason is None and address.is_global else (reason or "reserved")
    for kind, network in REFUSED_NETWORKS:
        if address in network:
            return kind
    if isinstance(address, ipaddress.IPv6Address) and address not in _GLOBAL_UNICAST:
        return "reserved"
    if not address.is_global or address.is_multicast or address.is_unspecified:
        return "reserved"
    return None


def parse(url: str, *, production: bool) -> Target:
    """Take `url` apart, refusing what no request may go to whatever the host resolves to."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused("the URL is malformed") from exc
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise Refused("user information in the URL is refused")
    host = parts.hostname or ""
    if parts.scheme == "http":
        if production or host not in LOCAL_HOSTS:
            raise Refused(
                "the URL must be https"
                if production
                else "the URL must be https (http only to 127.0.0.1 or localhost)"
            )
    elif parts.scheme != "https":
        raise Refused("the URL must be https")
    address = numeric_address(host) if host else None
    if address is None and not _is_host_name(host):
        raise Refused(
            "the host must be an address or an ASCII host name (IDNA form for others)"
            if host
            else "the URL has no host"
        )
    default = DEFAULT_PORTS[parts.scheme]
    port = default if port is None else port
    if port != default and port < FIRST_UNPRIVILEGED_PORT:
        raise Refused(f"port {port} is refused (only {default} or 1024-65535)")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, host, port, path, address)


def _is_host_name(host: str) -> bool:
    name = host.removesuffix(".")
    return 0 < len(name) <= 253 and all(_LABEL.fullmatch(label) for label in name.split("."))


def check_address(target: Target, address: IPAddress, allowed: Sequence[IPNetwork]) -> None:
    reason = refusal(address, allowed)
    if reason is None:
        return
    if target.address is not None:
        raise Refused(f"the host {address} is a {reason} address, not a public one")
    raise Refused(f"the host name resolves to a {reason} address, not a public one")


async def destination(
    url: str,
    *,
    production: bool,
    allowed: Sequence[IPNetwork],
    resolver: Resolver | None = None,
) -> Destination:
    """Where a request to `url` may connect: a checked address (the first one resolved).

    Raises Refused when the URL, or any address its host resolves to, may not be reached, and
    Unresolved when the name resolves to nothing.
    """
    target = parse(url, production=production)
    if target.address is not None:
        check_address(target, target.address, allowed)
        return Destination(target, target.address)
    resolve = resolver or default_resolver
    answers = await resolve(target.host)
    addresses: list[IPAddress] = []
    for answer in answers:
        # A resolver's answer is normalised like a literal: an odd spelling is still an address.
        address = numeric_address(answer)
        if address is None:
            raise Refused("the host name resolves to something that is not an address")
        addresses.append(address)
    if not addresses:
        raise Unresolved(target.host)
    for address in addresses:
        check_address(target, address, allowed)
    return Destination(target, addresses[0])
