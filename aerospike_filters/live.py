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

"""Read a live cloud into the snapshot format, through openstacksdk.

What the APIs expose: nova-compute services (host, enabled, up) and their
compute nodes, host aggregates with their metadata, flavors, the managed
traits of each compute node's resource provider, and, when nova reports
PCI devices to placement (``[pci] report_in_placement``), each host's PCI
devices (free ones as pools). ``[pci] alias`` lives only in nova.conf:
pass the scheduler's nova.conf to the commands with ``--config-file``.
Never logs or returns credentials.
"""

import re
from urllib import parse

from aerospike_filters import cloud
from aerospike_filters import trait_contract

_PCI_CLASS = re.compile(r'^CUSTOM_PCI_([0-9A-F]{4})_([0-9A-F]{4})$')


def _services(conn):
    return [s for s in conn.compute.services()
            if s.binary == 'nova-compute']


def has_compute_service(conn, host, retry=None):
    """Whether nova has a nova-compute service on ``host``."""
    return bool((retry or cloud.Retrying())(
        'Reading the compute services',
        lambda: list(conn.compute.services(binary='nova-compute',
                                           host=host))))


def _placement_json(conn, url, retry=None):
    """The JSON body of a placement GET, or CloudError saying what failed.

    HTTP errors are raised (transient ones retried by ``retry``, by default
    sync's policy: a placement restarting while explain, doctor or
    snapshot read it is waited for); an answer that is not whole JSON (a
    connection cut mid-body) is named.
    """
    return _json_of('placement', url, cloud.placement_call(
        conn, retry or cloud.Retrying(), 'Reading %s' % url, 'get', url))


def _json_of(service, url, response):
    """The response's JSON, or CloudError when it was cut short."""
    try:
        return response.json()
    except ValueError:
        raise cloud.CloudError("%s's answer to GET %s was cut short (not "
                               "whole JSON); run again" % (service, url)
                               ) from None


class Providers:
    """Placement's resource providers, each bulk read made once.

    One list of every provider (names, UUIDs, generations, trees) and one
    ``required=`` query per managed trait that exists: a number of
    requests that does not grow with the number of compute nodes.
    Placement has no pagination for these lists: each is one response.
    """

    def __init__(self, conn, retry=None):
        self.conn = conn
        self.retry = retry
        self._all = None
        self._managed = None
        self._uuids = {}
        self._names = None
        self._facts = None

    def _json(self, url):
        return _placement_json(self.conn, url, self.retry)

    def all(self):
        """Every resource provider, as placement lists them."""
        if self._all is None:
            self._all = self._json('/resource_providers')[
                'resource_providers']
        return self._all

    def compute_nodes(self):
        """{provider name: uuid} of the root providers (compute nodes)."""
        return {p['name']: p['uuid'] for p in self.all()
                if p.get('root_provider_uuid', p['uuid']) == p['uuid']}

    def managed_traits(self):
        """{provider name: sorted managed traits}, for providers with any.

        One query per managed trait that exists (``CUSTOM_AEROSPIKE_*``
        but the facts), not one per provider.
        """
        if self._managed is None:
            self._managed = self._carrying(trait_contract.is_managed)
        return self._managed

    def fact_traits(self):
        """{provider name: (uuid, sorted fact traits)}, for those with any.

        One query per fact trait that exists (a backend or an NVMe count
        some compute published), not one per provider.
        """
        if self._facts is None:
            found = self._carrying(trait_contract.is_fact)
            self._facts = {name: (self._uuids[name], facts)
                           for name, facts in found.items()}
        return self._facts

    def _carrying(self, keep):
        if self._names is None:
            # One list of the family's traits, for managed and facts.
            self._names = self._json('/traits?name=startswith:%s'
                                     % trait_contract.TRAIT_PREFIX)['traits']
        found = {}
        for trait in sorted(t for t in self._names if keep(t)):
            for provider in self._json(
                    '/resource_providers?required=%s' % trait)[
                        'resource_providers']:
                found.setdefault(provider['name'], []).append(trait)
                self._uuids[provider['name']] = provider['uuid']
        return found


def pci_inventory(conn, node_to_host, providers=None):
    """(free pools, device totals) of PCI devices per host, or None.

    From placement, when nova reports PCI devices there (``[pci]
    report_in_placement``): nova names a device's resource class
    CUSTOM_PCI_<VENDOR>_<PRODUCT> (unless ``[pci] device_spec`` sets
    ``resource_class``), on a child provider of the compute node's. The
    free pools are what the filter counts; the totals, used or free, what
    host traits are computed from (they must not change with every boot).

    Placement has no bulk read of inventories or usages: each child
    provider's inventory is one request (D, one per child of a compute
    node). Usages are not read one by one where a device provider holds
    one device (nova's type-PCI devices): one ``resources=<class>:1``
    query per PCI resource class (R) says which of them are free. Only a
    provider of several devices (a PF's VFs) has its usages read (U).
    Placement requests: D + R + U, none per compute node.
    """
    try:
        listed = (providers or Providers(conn)).all()
    except Exception:
        return None
    by_uuid = {p['uuid']: p for p in listed}
    devices = []  # (provider uuid, host, resource class, inventory)
    for provider in listed:
        root = by_uuid.get(provider.get('root_provider_uuid'))
        if root is None or root['uuid'] == provider['uuid']:
            continue
        host = node_to_host.get(root['name'])
        if host is None:
            continue
        inventories = _placement_json(
            conn, '/resource_providers/%s/inventories' % provider['uuid']
        )['inventories']
        devices += [(provider['uuid'], host, rc, inventory)
                    for rc, inventory in sorted(inventories.items())
                    if _PCI_CLASS.match(rc)]
    with_free = {rc: {p['uuid'] for p in _placement_json(
        conn, '/resource_providers?resources=%s:1' % rc)[
            'resource_providers']}
        for rc in sorted({device[2] for device in devices})}
    usages = {}
    free, total = {}, {}  # (host, vendor, product) -> devices
    for uuid, host, rc, inventory in devices:
        count = max(inventory['total'] - inventory.get('reserved', 0), 0)
        if _single_device(inventory):
            used = count if uuid not in with_free[rc] else 0
        else:
            if uuid not in usages:
                usages[uuid] = _placement_json(
                    conn, '/resource_providers/%s/usages' % uuid)['usages']
            used = usages[uuid].get(rc, 0)
        match = _PCI_CLASS.match(rc)
        key = (host, match.group(1).lower(), match.group(2).lower())
        total[key] = total.get(key, 0) + count
        free[key] = free.get(key, 0) + max(count - used, 0)
    if not total:
        return None
    return _pools(free), _pools(total)


def _single_device(inventory):
    """Whether ``resources=<class>:1`` tells exactly if it is free."""
    return (inventory['total'] - inventory.get('reserved', 0) <= 1 and
            float(inventory.get('allocation_ratio', 1.0)) == 1.0 and
            inventory.get('min_unit', 1) == 1 and
            inventory.get('step_size', 1) == 1)


def _pools(counts):
    """{host: [pool]}, one pool per product of each host."""
    pools = {}
    for (host, vendor, product), count in sorted(counts.items()):
        pools.setdefault(host, []).append({
            'vendor_id': vendor, 'product_id': product,
            'dev_type': 'type-PCI', 'count': count})
    return pools


#: Hypervisor details at this microversion name the service's host but,
#: unlike 2.88 and later, do not make nova ask every compute its uptime.
HYPERVISOR_MICROVERSION = '2.53'


#: The hypervisors nova lists per page (its ``[api] max_limit`` default).
NOVA_PAGE = 1000


def node_hosts(conn, hosts, providers):
    """{compute node name: nova-compute host} of these hosts' nodes.

    A compute node is its resource provider, named after the node's
    hypervisor hostname; a provider named after a host is that host's
    node (libvirt's and most drivers' default), which placement's list
    already says at no request. nova is asked only when some host has no
    provider of its name while some compute node provider has no host of
    its name (nodes named with the FQDN, ironic): one hypervisor search
    per such host when that is no more requests than nova's whole list
    (one per page of NOVA_PAGE nodes), else, or when a search leaves such
    a host, that list.
    """
    roots = providers.compute_nodes()
    found = {name: name for name in roots if name in hosts}
    unresolved = _unresolved(hosts, roots, found)
    if unresolved and len(unresolved) <= -(-len(roots) // NOVA_PAGE):
        for host in unresolved:
            found.update(dict.fromkeys(_searched(conn, host), host))
        unresolved = _unresolved(hosts, roots, found)
    if not unresolved:
        return found
    return {node: host for node, (host, _) in _hypervisors(conn).items()}


def _unresolved(hosts, roots, found):
    """The hosts without a known node, if any provider lacks a host."""
    if not set(roots) - set(found):
        return []
    return sorted(set(hosts) - set(found.values()))


def _hypervisors(conn):
    """{compute node name: (nova-compute host, uuid)}, page by page."""
    found = {}
    url = '/os-hypervisors/detail'
    while url:
        body = _json_of('nova', url, conn.compute.get(
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
    return _searched(conn, host) or {
        node: uuid for node, (owner, uuid) in _hypervisors(conn).items()
        if owner == host}


def _searched(conn, host):
    """{node name: uuid} of the host's nodes whose name contains its name.

    One request: nova's hypervisor search by hypervisor hostname.
    """
    url = ('/os-hypervisors/detail?hypervisor_hostname_pattern=%s'
           % parse.quote(host))
    response = conn.compute.get(url, microversion=HYPERVISOR_MICROVERSION)
    if response.status_code == 404:  # nova's answer to "no match"
        return {}
    response.raise_for_status()
    return {h['hypervisor_hostname']: h['id']
            for h in _json_of('nova', url, response).get('hypervisors', [])
            if (h.get('service') or {}).get('host') == host}


def snapshot(conn, providers=None, with_flavors=True):
    """A snapshot dict of the live cloud (aerospike_filters.snapshot_format).

    :param providers: the :class:`Providers` to read placement through
        (a caller that reads them too shares the reads).
    :param with_flavors: whether to read the flavors (``trait publish``
        needs none).
    """
    providers = providers or Providers(conn)
    services = _services(conn)
    node_to_host = node_hosts(conn, {s.host for s in services}, providers)
    nodes = {}
    for node, host in sorted(node_to_host.items()):
        nodes.setdefault(host, node)
    inventory = pci_inventory(conn, node_to_host, providers)
    pools, devices = inventory or ({}, {})
    published = providers.managed_traits()
    facts = providers.fact_traits()
    hosts = []
    for service in sorted(services, key=lambda s: s.host):
        node = nodes.get(service.host, service.host)
        host = {'host': service.host, 'nodename': node,
                'disabled': service.status == 'disabled',
                'down': service.state == 'down',
                'traits': published.get(node, [])}
        if node in facts:
            host['facts'] = facts[node][1]
        if pools.get(service.host):
            host['pci_pools'] = pools[service.host]
        if devices.get(service.host):
            host['pci_devices'] = devices[service.host]
        hosts.append(host)
    known = {h['host'] for h in hosts}
    aggregates = [{'name': agg.name,
                   'hosts': [h for h in (agg.hosts or []) if h in known],
                   'metadata': {k: str(v) for k, v in
                                (agg.metadata or {}).items()}}
                  for agg in conn.compute.aggregates()]
    flavors = [{'name': flavor.name,
                'extra_specs': {k: str(v) for k, v in
                                (flavor.extra_specs or {}).items()},
                'vcpus': flavor.vcpus, 'ram': flavor.ram,
                'disk': flavor.disk, 'ephemeral': flavor.ephemeral}
               for flavor in (conn.compute.flavors(details=True)
                              if with_flavors else ())]
    return {'description': 'captured from %s' % _endpoint(conn),
            'pci_in_placement': inventory is not None,
            'hosts': hosts, 'aggregates': aggregates, 'flavors': flavors}


def _endpoint(conn):
    try:
        return conn.compute.get_endpoint()
    except Exception:
        return 'a live cloud'


def flavor_extra_specs(conn, name_or_id):
    """The extra specs of a flavor, or LookupError naming it."""
    flavor = conn.compute.find_flavor(name_or_id, ignore_missing=True)
    if flavor is None:
        raise LookupError('no flavor named or with ID %r' % name_or_id)
    specs = conn.compute.fetch_flavor_extra_specs(flavor).extra_specs
    return flavor.name, dict(specs or {})
