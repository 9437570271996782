#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""nova's hypervisors: which nova-compute host a compute node belongs to.

A compute node is its resource provider, named after the node's
hypervisor hostname; nova's hypervisors name the service's host.
"""

from urllib import parse

from aerospike_filters.client import http

#: Hypervisor details at this microversion name the service's host but,
#: unlike 2.88 and later, do not make nova ask every compute its uptime.
HYPERVISOR_MICROVERSION = '2.53'

#: The hypervisors nova lists per page (its ``[api] max_limit`` default).
NOVA_PAGE = 1000

#: Every hypervisor, page by page.
DETAIL = '/os-hypervisors/detail'
#: The hypervisors whose hostname contains a pattern.
SEARCH = '/os-hypervisors/detail?hypervisor_hostname_pattern=%s'


def node_hosts(conn, hosts, providers):
    """{compute node name: nova-compute host} of these hosts' nodes.

    A provider named after a host is that host's node (libvirt's and most
    drivers' default), which placement's list (``providers``, a
    resource_providers.Providers) already says at no request. nova is
    asked only when some host has no provider of its name while some
    compute node provider has no host of its name (nodes named with the
    FQDN, ironic): one hypervisor search per such host when that is no
    more requests than nova's whole list (one per page of NOVA_PAGE
    nodes), else, or when a search leaves such a host, that list.
    """
    roots = providers.compute_nodes()
    found = {name: name for name in roots if name in hosts}
    unresolved = _unresolved(hosts, roots, found)
    if unresolved and len(unresolved) <= -(-len(roots) // NOVA_PAGE):
        for host in unresolved:
            found.update(dict.fromkeys(searched(conn, host), host))
        unresolved = _unresolved(hosts, roots, found)
    if not unresolved:
        return found
    return {node: host for node, (host, _) in listed(conn).items()}


def _unresolved(hosts, roots, found):
    """The hosts without a known node, if any provider lacks a host."""
    if not set(roots) - set(found):
        return []
    return sorted(set(hosts) - set(found.values()))


def listed(conn):
    """{compute node name: (nova-compute host, uuid)}, page by page."""
    found = {}
    url = DETAIL
    while url:
        body = http.json_of('nova', url, conn.compute.get(
            url, microversion=HYPERVISOR_MICROVERSION, raise_exc=True))
        for hypervisor in body.get('hypervisors', []):
            host = (hypervisor.get('service') or {}).get('host')
            if host:
                found[hypervisor['hypervisor_hostname']] = (
                    host, hypervisor['id'])
        url = next((link['href'] for link in body.get('hypervisors_links', [])
                    if link.get('rel') == 'next'), None)
    return found


def compute_nodes_of(conn, host):
    """{compute node name: uuid} of one nova-compute host.

    One search by hypervisor hostname (nodes are usually named after
    their host, or its FQDN), not the list of every hypervisor; only when
    no node of the host's name belongs to it (ironic), the whole list.
    The compute node's UUID is its resource provider's.
    """
    return searched(conn, host) or {
        node: uuid for node, (owner, uuid) in listed(conn).items()
        if owner == host}


def searched(conn, host):
    """{node name: uuid} of the host's nodes whose name contains its name.

    One request: nova's hypervisor search by hypervisor hostname.
    """
    url = SEARCH % parse.quote(host)
    response = conn.compute.get(url, microversion=HYPERVISOR_MICROVERSION)
    if response.status_code == 404:  # nova's answer to "no match"
        return {}
    response.raise_for_status()
    return {h['hypervisor_hostname']: h['id']
            for h in http.json_of('nova', url, response).get(
                'hypervisors', [])
            if (h.get('service') or {}).get('host') == host}
