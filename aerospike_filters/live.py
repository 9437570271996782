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
Never logs or returns credentials. Only the assembly is here: every
request goes through ``aerospike_filters.client``.
"""

from aerospike_filters.client import aggregates
from aerospike_filters.client import flavors
from aerospike_filters.client import http
from aerospike_filters.client import hypervisors
from aerospike_filters.client import resource_providers
from aerospike_filters.client import server_groups
from aerospike_filters.client import services
from aerospike_filters import pci_placement


def snapshot(conn, providers=None, with_flavors=True, with_groups=False):
    """A snapshot dict of the live cloud (aerospike_filters.snapshot_format).

    :param providers: the :class:`resource_providers.Providers` to read
        placement through (a caller that reads them too shares the reads).
    :param with_flavors: whether to read the flavors (``trait publish``
        needs none).
    :param with_groups: whether to read every project's server groups and
        their members' hosts (``snapshot`` and ``doctor`` do).
    """
    providers = providers or resource_providers.Providers(conn)
    computes = services.compute_services(conn)
    node_to_host = hypervisors.node_hosts(conn, {s.host for s in computes},
                                          providers)
    nodes = {}
    for node, host in sorted(node_to_host.items()):
        nodes.setdefault(host, node)
    inventory = pci_placement.inventory(conn, node_to_host, providers)
    pools, devices = inventory or ({}, {})
    published = providers.managed_traits()
    facts = providers.fact_traits()
    hosts = []
    for service in sorted(computes, key=lambda s: s.host):
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
    host_aggregates = [{'name': agg.name,
                        'hosts': [h for h in (agg.hosts or []) if h in known],
                        'metadata': {k: str(v) for k, v in
                                     (agg.metadata or {}).items()}}
                       for agg in aggregates.every(conn)]
    flavor_list = [{'name': flavor.name,
                    'extra_specs': {k: str(v) for k, v in
                                    (flavor.extra_specs or {}).items()},
                    'vcpus': flavor.vcpus, 'ram': flavor.ram,
                    'disk': flavor.disk, 'ephemeral': flavor.ephemeral}
                   for flavor in (flavors.detailed(conn)
                                  if with_flavors else ())]
    data = {'description': 'captured from %s' % http.compute_endpoint(conn),
            'pci_in_placement': inventory is not None,
            'hosts': hosts, 'aggregates': host_aggregates,
            'flavors': flavor_list}
    if with_groups:
        data['server_groups'] = server_groups.every(conn)
    return data
