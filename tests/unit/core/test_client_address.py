"""Which address the sign-in lockout counts failures against (carechoices.core.client_address)."""

from __future__ import annotations

import pytest

from carechoices.core.client_address import address_of, trusted_proxies

LOCAL = trusted_proxies("")  # the default: nginx on this machine


def test_behind_our_proxy_the_address_is_the_one_nginx_saw():
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "198.51.100.7"}
    assert address_of(meta, LOCAL) == "198.51.100.7"
    # A dual-stack socket writes IPv4 as ::ffff:a.b.c.d; it is the same peer and the same reader.
    mapped = {"REMOTE_ADDR": "::ffff:127.0.0.1", "HTTP_X_REAL_IP": "::ffff:198.51.100.7"}
    assert address_of(mapped, LOCAL) == "198.51.100.7"


def test_an_ipv6_reader_counts_as_their_whole_slash_64():
    one = {"REMOTE_ADDR": "::1", "HTTP_X_REAL_IP": "2001:DB8:0:1::1"}
    other = {"REMOTE_ADDR": "::1", "HTTP_X_REAL_IP": "2001:db8:0:1:ffff:ffff:ffff:ffff"}
    assert address_of(one, LOCAL) == address_of(other, LOCAL) == "2001:db8:0:1::"
    assert address_of({"REMOTE_ADDR": "::1", "HTTP_X_REAL_IP": "2001:db8:0:2::1"}, LOCAL) == "2001:db8:0:2::"


def test_behind_a_unix_socket_the_proxy_is_this_machine():
    assert address_of({"REMOTE_ADDR": "", "HTTP_X_REAL_IP": "198.51.100.7"}, LOCAL) == "198.51.100.7"


def test_a_client_that_is_not_our_proxy_cannot_choose_its_address():
    meta = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_REAL_IP": "198.51.100.7"}
    assert address_of(meta, LOCAL) == "203.0.113.9"


@pytest.mark.parametrize("header", ["", "not-an-address", "198.51.100.7, 203.0.113.9", "1.2.3"])
def test_a_header_nginx_did_not_write_leaves_the_proxy_address(header):
    assert address_of({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": header}, LOCAL) == "127.0.0.1"


def test_without_a_peer_address_or_a_header_there_is_none():
    assert address_of({"REMOTE_ADDR": ""}, LOCAL) is None
    assert address_of({"HTTP_X_REAL_IP": "not-an-address"}, LOCAL) is None


def test_the_setting_lists_addresses_and_refuses_anything_else():
    assert trusted_proxies("") == {"127.0.0.1", "::1"}
    assert trusted_proxies(" 10.0.0.5 , 10.0.0.6") == {"10.0.0.5", "10.0.0.6"}
    assert trusted_proxies("::ffff:10.0.0.5") == {"10.0.0.5"}
    with pytest.raises(ValueError, match="TRUSTED_PROXY_ADDRESSES: 'balancer'"):
        trusted_proxies("10.0.0.5,balancer")
