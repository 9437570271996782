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

from aerospike_filters import cloud
from aerospike_filters import traits

_PCI_CLASS = re.compile(r'^CUSTOM_PCI_([0-9A-F]{4})_([0-9A-F]{4})$')


def _services(conn):
    return [s for s in conn.compute.services()
            if s.binary == 'nova-compute']


def _placement_json(conn, url):
    response = conn.placement.get(
        url, microversion=cloud.PLACEMENT_MICROVERSION)
    response.raise_for_status()
    return response.json()


def pci_inventory(conn, node_to_host):
    """(free pools, device totals) of PCI devices per host, or None.

    From placement, when nova reports PCI devices there (``[pci]
    report_in_placement``): nova names a device's resource class
    CUSTOM_PCI_<VENDOR>_<PRODUCT> (unless ``[pci] device_spec`` sets
    ``resource_class``), on a child provider of the compute node's. The
    free pools are what the filter counts; the totals, used or free, what
    host traits are computed from (they must not change with every boot).
    """
    try:
        providers = _placement_json(conn, '/resource_providers')[
            'resource_providers']
    except Exception:
        return None
    by_uuid = {p['uuid']: p for p in providers}
    free, total = {}, {}  # (host, vendor, product) -> devices
    for provider in providers:
        root = by_uuid.get(provider.get('root_provider_uuid'))
        if root is None or root['uuid'] == provider['uuid']:
            continue
        host = node_to_host.get(root['name'])
        if host is None:
            continue
        inventories = _placement_json(
            conn, '/resource_providers/%s/inventories' % provider['uuid']
        )['inventories']
        usages = None
        for rc, inventory in inventories.items():
            match = _PCI_CLASS.match(rc)
            if not match:
                continue
            if usages is None:
                usages = _placement_json(
                    conn, '/resource_providers/%s/usages' % provider['uuid']
                )['usages']
            devices = inventory['total'] - inventory.get('reserved', 0)
            key = (host, match.group(1).lower(), match.group(2).lower())
            total[key] = total.get(key, 0) + max(devices, 0)
            used = usages.get(rc, 0)
            free[key] = free.get(key, 0) + max(devices - used, 0)
    if not total:
        return None
    return _pools(free), _pools(total)


def _pools(counts):
    """{host: [pool]}, one pool per product of each host."""
    pools = {}
    for (host, vendor, product), count in sorted(counts.items()):
        pools.setdefault(host, []).append({
            'vendor_id': vendor, 'product_id': product,
            'dev_type': 'type-PCI', 'count': count})
    return pools


def managed_traits(conn):
    """{provider name: sorted managed traits}, for providers with any.

    One query per managed trait that exists (``CUSTOM_AEROSPIKE_*``), not
    one per provider: cheap in clouds of thousands of compute nodes.
    """
    names = _placement_json(
        conn, '/traits?name=startswith:%s' % traits.PREFIX)['traits']
    found = {}
    for trait in sorted(names):
        for provider in _placement_json(
                conn, '/resource_providers?required=%s' % trait)[
                    'resource_providers']:
            found.setdefault(provider['name'], []).append(trait)
    return found


#: Hypervisor details at this microversion name the service's host but,
#: unlike 2.88 and later, do not make nova ask every compute its uptime.
HYPERVISOR_MICROVERSION = '2.53'


def node_hosts(conn):
    """Compute node name (hypervisor hostname) -> nova-compute host."""
    found = {}
    url = '/os-hypervisors/detail'
    while url:
        response = conn.compute.get(url, microversion=HYPERVISOR_MICROVERSION)
        response.raise_for_status()
        body = response.json()
        for hypervisor in body.get('hypervisors', []):
            host = (hypervisor.get('service') or {}).get('host')
            if host:
                found[hypervisor['hypervisor_hostname']] = host
        url = next((link['href'] for link in body.get('hypervisors_links', [])
                    if link.get('rel') == 'next'), None)
    return found


def snapshot(conn):
    """A snapshot dict of the live cloud (aerospike_filters.snapshot)."""
    services = _services(conn)
    node_to_host = node_hosts(conn)
    nodes = {}
    for node, host in sorted(node_to_host.items()):
        nodes.setdefault(host, node)
    inventory = pci_inventory(conn, node_to_host)
    pools, devices = inventory or ({}, {})
    published = managed_traits(conn)
    hosts = []
    for service in sorted(services, key=lambda s: s.host):
        node = nodes.get(service.host, service.host)
        host = {'host': service.host, 'nodename': node,
                'disabled': service.status == 'disabled',
                'down': service.state == 'down',
                'traits': published.get(node, [])}
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
               for flavor in conn.compute.flavors(details=True)]
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
