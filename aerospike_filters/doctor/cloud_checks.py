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

"""Checks of the cloud's data: aggregates, hosts and flavors.

The data is a live cloud's or a snapshot's; "can this flavor be placed"
is the real filter's answer over it (:meth:`.context.Context.hosts_for`).
"""

import shlex

from aerospike_filters.doctor import findings
from aerospike_filters import host_facts
from aerospike_filters import storage
from aerospike_filters import storage_request
from aerospike_filters.sync import aggregate_plan
from aerospike_filters import trait_contract


def aggregate_values(context):
    """Aggregates whose backend value nobody recognises."""
    if not context.cloud:
        return []
    key = context.settings.ephemeral_backend_key
    # Unset, its hosts are undescribed (as unsuitable as now) until sync
    # or an admin names their backend: a fix that runs verbatim.
    return [findings.Finding(
        findings.ERROR, "aggregate '%s'" % agg['name'],
        '%s=%r is not a recognised backend; its hosts count as '
        'unsuitable' % (key, agg['metadata'][key]),
        aggregate_plan.openstack_command('aggregate', 'unset', '--property',
                                         key, agg['name']))
            for agg in context.data.get('aggregates', [])
            if key in agg.get('metadata', {}) and
            storage.backend_for(agg['metadata'][key]) is None]


def host_backends(context):
    """Hosts in disagreeing aggregates, and hosts nobody describes."""
    if not context.cloud:
        return []
    settings = context.settings
    key = settings.ephemeral_backend_key
    found = []
    for host in context.data['hosts']:
        name = host['host']
        facts = host_facts.facts_from_aggregates(
            [(a['name'], a.get('metadata', {}))
             for a in context.aggregates_of[name]], key)
        if facts.conflict:
            found.append(findings.Finding(
                findings.ERROR, "host '%s'" % name,
                'in aggregates that disagree on %s (%s): rejected for '
                'Aerospike' % (key, ', '.join('%s=%s' % p
                                              for p in facts.conflict)),
                'on %s: aerospike-filters probe > report.json && '
                'aerospike-filters sync --report report.json (sync moves it '
                'into the aggregate of its real backend and names the '
                'aggregates it must leave that sync does not manage)'
                % name))
        elif facts.value is None and name not in settings.host_backends:
            found.append(findings.Finding(
                findings.WARNING, "host '%s'" % name,
                'no aggregate or host_backends entry names its ephemeral '
                'backend: rejected for Aerospike, except for flavors that '
                'request NVMe devices it has free',
                'on %s: aerospike-filters probe > report.json && '
                'aerospike-filters sync --report report.json '
                '(or, if its backend is lvm: %s)' % (
                    name, aggregate_plan.openstack_command(
                        'aggregate', 'add', 'host',
                        aggregate_plan.aggregate_name('lvm'), name))))
    return found


def published_facts(context):
    """Hosts whose published facts (provider config) and aggregates differ."""
    if not context.cloud:
        return []
    key = context.settings.ephemeral_backend_key
    found = []
    for host in context.data['hosts']:
        facts = trait_contract.facts_of(host.get('facts', []))
        if facts is None:
            continue
        name = host['host']
        fix = findings.tool('trait sync-facts --host %s' % shlex.quote(name),
                            context.tool_args)
        if facts.conflicts:
            found.append(findings.Finding(
                findings.ERROR, "host '%s'" % name,
                'publishes conflicting facts %s (a stale one, left by a '
                'changed nova.conf); the fix strips them and takes it out of '
                'every backend aggregate; then restart its nova-compute to '
                'publish the current ones' % ', '.join(facts.conflicts),
                fix))
            continue
        if facts.backend is None:
            continue
        described = host_facts.facts_from_aggregates(
            [(a['name'], a.get('metadata', {}))
             for a in context.aggregates_of[name]], key)
        said = described.backend
        if said is None or said.name != facts.backend:
            found.append(findings.Finding(
                findings.WARNING, "host '%s'" % name,
                'its nova-compute published backend %s, its aggregates say '
                '%s' % (facts.backend, said.name if said else 'none'),
                fix))
    return found


def flavor_placement(context):
    """Tagged flavors that are invalid, or that no host can take."""
    if not context.cloud:
        return []
    return [finding for flavor in context.data.get('flavors', [])
            for finding in _check_flavor(flavor, context)]


def dedicated_aggregates(context):
    """Dedicated aggregates that reserve nothing or for nobody."""
    if not context.cloud or 'flavors' not in context.data:
        return []
    data = context.data
    any_tagged = any(storage_request.parse_request(
        f.get('extra_specs', {})).tagged for f in data['flavors'])
    found = []
    for agg in data.get('aggregates', []):
        if not host_facts.is_true(agg.get('metadata', {}).get(
                host_facts.DEDICATED_KEY)):
            continue
        if not any_tagged:
            found.append(findings.Finding(
                findings.WARNING, "aggregate '%s'" % agg['name'],
                'reserved for Aerospike (aerospike_dedicated=true) but '
                'no flavor is tagged aerospike:storage',
                'aerospike-filters flavor create --storage local '
                '--vcpus 8 --ram 32768 --disk 40 aerospike.local '
                '(or: %s)' % aggregate_plan.openstack_command(
                    'aggregate', 'unset', '--property',
                    host_facts.DEDICATED_KEY, agg['name'])))
        elif not context.settings.isolate_dedicated_hosts:
            found.append(findings.Finding(
                findings.INFO, "aggregate '%s'" % agg['name'],
                'aerospike_dedicated=true has no effect while '
                'isolate_dedicated_hosts is off',
                'set [aerospike_filters] isolate_dedicated_hosts = true '
                'in the scheduler\'s nova.conf to reserve these hosts'))
    return found


def _check_flavor(flavor, context):
    """Findings on one flavor's extra specs."""
    settings, hosts_for = context.settings, context.hosts_for
    name = flavor['name']
    specs = flavor.get('extra_specs', {})
    parsed = storage_request.parse_request(specs, settings.nvme_pci_aliases)
    if not parsed.tagged:
        return []
    subject = "flavor '%s'" % name
    if parsed.error:
        return [findings.Finding(
            findings.ERROR, subject,
            '%s: the scheduler places it nowhere' % parsed.error,
            _repair(name, specs, parsed, context))]
    if parsed.nvme_devices and not context.pci_known:
        return [findings.Finding(
            findings.INFO, subject, 'requests %d NVMe device(s), but the '
            'cloud does not report PCI devices to placement, so no tool '
            'can see which hosts have them free' % parsed.nvme_devices,
            'set [pci] report_in_placement = true in the computes\' '
            'nova.conf (then trait publish sees them too), or run '
            'aerospike-filters sync --traits on each compute with NVMe '
            'drives, then aerospike-filters flavor repair %s'
            % shlex.quote(name))]
    hosts = hosts_for(specs)
    if hosts.passing:
        return []
    return [findings.Finding(
        findings.ERROR, subject, 'no host can take it: %s; every boot fails '
        'with NoValidHost' % _why_no_host(parsed, hosts),
        _make_room(name, specs, parsed, settings, hosts, hosts_for))]


def _with(specs, changes):
    """Extra specs after the changes of a fix."""
    result = dict(specs)
    for change in changes:
        if change.value is None:
            result.pop(change.key, None)
        else:
            result[change.key] = change.value
    return result


def _repair(name, specs, parsed, context):
    """The command that makes an invalid flavor valid, and able to boot.

    The contract's own fix first; when it would leave the flavor without
    a host (a cloud without NVMe devices, say), a fix that keeps the
    flavor's intent where the cloud allows. Where hosts carry the fixed
    flavor's trait, the fix gives it the trait too.
    """
    candidates = [list(parsed.fix)]
    lesser = parsed.requested - {storage.NVME}
    candidates.append([storage_request.Change(
        storage_request.STORAGE_SPEC,
        storage_request.tier_value(lesser) if lesser else storage.LOCAL)])
    for changes in candidates:
        fixed = _with(specs, changes)
        if context.hosts_for(fixed).passing:
            command = storage_request.fix_command(name, changes)
            trait = trait_contract.flavor_trait(
                fixed, context.settings.nvme_pci_aliases)
            if trait in context.carried:
                command += ' && ' + findings.tool(
                    'flavor repair %s' % shlex.quote(name),
                    context.tool_args)
            return command
    return '%s (no host can take it yet: %s)' % (
        storage_request.fix_command(name, parsed.fix),
        _publish_advice(context.settings))


def _why_no_host(parsed, hosts):
    accepted = storage_request.tier_value(parsed.tiers)
    if hosts.ineligible:
        return ('the filter passes %s, but nova would not pick %s' % (
            ', '.join(host for host, _ in hosts.ineligible),
            '; '.join('%s: %s' % pair for pair in hosts.ineligible)))
    if parsed.tiers == {storage.NVME}:
        return ('no host has %d free NVMe device(s) and a suitable backend'
                % parsed.nvme_devices)
    return 'no host offers %s' % accepted


def _make_room(name, specs, parsed, settings, hosts, hosts_for):
    """What gives a valid flavor a host."""
    if hosts.ineligible:
        return ('enable the nova-compute service of %s or start it: %s'
                % (', '.join(host for host, _ in hosts.ineligible),
                   ' && '.join('openstack compute service set --enable %s '
                               'nova-compute' % shlex.quote(host)
                               for host, _ in hosts.ineligible)))
    if parsed.tiers == {storage.NVME}:
        wider = [storage_request.Change(storage_request.STORAGE_SPEC,
                                        storage.LOCAL)]
        if hosts_for(_with(specs, wider)).passing:
            return ('accept lvm and raw too: %s (or give computes with an '
                    'lvm or raw backend NVMe drives in [pci] device_spec)'
                    % storage_request.fix_command(name, wider))
        return ('give computes with an lvm or raw backend %d NVMe drive(s) '
                'in [pci] device_spec, then %s'
                % (parsed.nvme_devices, _publish_advice(settings)))
    return _publish_advice(settings)


def _publish_advice(settings):
    return ('publish suitable hosts: on each lvm or raw compute, '
            'aerospike-filters probe > report.json && aerospike-filters sync '
            '--report report.json --traits')
