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

"""What ``doctor`` finds wrong, and the command that fixes each thing.

Four kinds of checks: the scheduler's nova.conf (parsed with nova's own
options), the nova-api environment (the validators load), the cloud's data
(hosts, aggregates, flavors: a live cloud or a snapshot) and placement
pre-selection (flavors' and hosts' traits). Each finding names the object
and the exact command that fixes it.
"""

import collections
import json
import shlex

from aerospike_filters import conf
from aerospike_filters import flavor_repair
from aerospike_filters import host_facts
from aerospike_filters import storage
from aerospike_filters import storage_request
from aerospike_filters.sync import aggregate_plan
from aerospike_filters import trait_contract
from aerospike_filters import verdicts

ERROR = 'error'
WARNING = 'warning'
INFO = 'info'

Finding = collections.namedtuple('Finding', 'severity subject problem fix')
Finding.__doc__ = """One thing doctor found: how bad, on what, what is
wrong, and the command (or edit) that fixes it."""

_SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


def by_severity(findings):
    """Findings sorted errors first, then warnings, then information."""
    return sorted(findings, key=lambda f: _SEVERITY_ORDER[f.severity])


def needs_attention(findings):
    """Whether any finding is an error or a warning."""
    return any(f.severity != INFO for f in findings)


def no_config_checked():
    """The finding when no nova.conf was given or found."""
    return Finding(INFO, 'nova.conf', 'no nova.conf checked',
                   "pass the scheduler's nova.conf with --config-file")


FILTER = 'AerospikeStorageFilter'
FILTER_PATHS = ('aerospike_filters.all_filters',
                'aerospike_filters.scheduler.storage_filter.'
                'AerospikeStorageFilter')
WEIGHER_PATHS = ('aerospike_filters.all_weighers',
                 'aerospike_filters.scheduler.storage_weigher.'
                 'AerospikeStorageWeigher')


def _set(group, option, value):
    """The one fix line that sets a nova.conf option of the scheduler.

    Every fix doctor proposes for an option of the scheduler's nova.conf
    is built here (and only here), after :func:`settle` has merged every
    change to that option into ``value``.
    """
    if isinstance(value, (list, tuple)):
        value = ','.join(value)
    return ('in nova.conf, [%s] %s = %s; then restart nova-scheduler'
            % (group, option, value))


class _Edit(collections.namedtuple('_Edit', 'group option change')):
    """A fix that changes one option: ``change(current) -> new value``.

    Findings carry it until :func:`settle` folds every change to the same
    option into one value, so that each of their fixes sets it whole.
    """


def _add_filter(name):
    return lambda enabled: enabled if name in enabled else enabled + [name]


def settle(findings, config):
    """Findings with one fix per option, errors first.

    Several findings may change the same option (one adds the plugin to
    ``enabled_filters``, another PciPassthroughFilter): each fix then
    sets the value that holds every change, so applying the fixes in any
    order leaves the same nova.conf and no finding comes back.
    """
    changes = collections.defaultdict(list)
    for finding in findings:
        if isinstance(finding.fix, _Edit):
            changes[finding.fix.group, finding.fix.option].append(
                finding.fix.change)
    values = {}
    for (group, option), funcs in changes.items():
        value = config[group][option]
        value = list(value) if isinstance(value, list) else value
        for change in funcs:
            value = change(value)
        values[group, option] = _set(group, option, value)
    return by_severity([
        f._replace(fix=values[f.fix.group, f.fix.option])
        if isinstance(f.fix, _Edit) else f for f in findings])


def _unloadable(handler, paths, option):
    """A finding if nova's own loader cannot load the configured paths."""
    try:
        handler.get_matching_classes(paths)
    except Exception as exc:
        return [Finding(ERROR, '[filter_scheduler] %s' % option,
                        'nova cannot load them: %s' % exc,
                        "pip install aerospike-filters into "
                        "nova-scheduler's environment, or fix the path")]
    return []


def check_scheduler_conf(config):
    """(findings, Settings or None) of the scheduler's nova.conf.

    ``config``: a ConfigOpts holding nova's ``[filter_scheduler]`` options
    and this plugin's group.
    """
    from nova.scheduler import filters
    from nova.scheduler import weights

    found = []
    group = config.filter_scheduler
    available = list(group.available_filters)
    if not any(path in available for path in FILTER_PATHS):
        found.append(Finding(
            ERROR, '[filter_scheduler] available_filters',
            'the Aerospike filter is not available to the scheduler',
            'add a second line to [filter_scheduler] in nova.conf: '
            'available_filters = aerospike_filters.all_filters'))
    if 'nova.scheduler.filters.all_filters' not in available:
        found.append(Finding(
            WARNING, '[filter_scheduler] available_filters',
            "nova's own filters are not available (only %s)"
            % ', '.join(available),
            'add a line to [filter_scheduler] in nova.conf: '
            'available_filters = nova.scheduler.filters.all_filters'))
    found.extend(_unloadable(filters.HostFilterHandler(), available,
                             'available_filters'))
    enabled = list(group.enabled_filters)
    if FILTER not in enabled:
        found.append(Finding(
            ERROR, '[filter_scheduler] enabled_filters',
            'AerospikeStorageFilter is not enabled: Aerospike flavors are '
            'placed anywhere',
            _Edit('filter_scheduler', 'enabled_filters', _add_filter(FILTER))
        ))
    weighers = list(group.weight_classes)
    if not any(path in weighers for path in WEIGHER_PATHS):
        found.append(Finding(
            WARNING, '[filter_scheduler] weight_classes',
            'the Aerospike weigher is not listed: tagged flavors do not '
            'prefer nvme over lvm over raw',
            _Edit('filter_scheduler', 'weight_classes',
                  lambda current: current + [WEIGHER_PATHS[0]])))
    else:
        found.extend(_unloadable(weights.HostWeightHandler(), weighers,
                                 'weight_classes'))
    try:
        settings = conf.read_settings(config)
    except conf.ConfigError as exc:
        found.append(Finding(ERROR, '[aerospike_filters]', str(exc),
                             'correct the value in nova.conf (see '
                             'etc/aerospike-filters.conf.sample)'))
        return found, None
    if any(path in weighers for path in WEIGHER_PATHS):
        found.extend(_check_weighing(config, settings, weighers))
    return found, settings


def check_unknown_options(unknown):
    """Misspelt sections and options: nova-scheduler ignores them.

    :param unknown: [(file, section, option or None, near-miss or None)],
        as :func:`aerospike_filters.whatif.nova_config.unknown_options`
        finds them.
    """
    found = []
    for path, section, option, near in unknown:
        if option is None:
            found.append(Finding(
                WARNING, '[%s]' % section,
                'in %s: no such section, nova-scheduler ignores it and '
                'uses the defaults of [%s]' % (path, near),
                'in %s, rename the section [%s] to [%s]; then restart '
                'nova-scheduler' % (path, section, near)))
        elif near:
            found.append(Finding(
                WARNING, '[%s] %s' % (section, option),
                'in %s: no such option, nova-scheduler ignores it and uses '
                'the default of %s' % (path, near),
                'in %s, rename %s to %s in [%s]; then restart '
                'nova-scheduler' % (path, option, near, section)))
        else:
            found.append(Finding(
                WARNING, '[%s] %s' % (section, option),
                'in %s: no such option, nova-scheduler ignores it' % path,
                'in %s, remove %s from [%s] (the configuration reference '
                'lists the options)' % (path, option, section)))
    return found


#: nova's weighers whose weights differ between hosts by their capacity,
#: load or group placement, and the options of their multipliers. The
#: build failure and cross-cell weighers are left out on purpose: a host
#: that fails builds should lose even against the storage preference.
NOVA_WEIGHER_MULTIPLIERS = {
    'RAMWeigher': ('filter_scheduler', 'ram_weight_multiplier'),
    'CPUWeigher': ('filter_scheduler', 'cpu_weight_multiplier'),
    'DiskWeigher': ('filter_scheduler', 'disk_weight_multiplier'),
    'IoOpsWeigher': ('filter_scheduler', 'io_ops_weight_multiplier'),
    'PCIWeigher': ('filter_scheduler', 'pci_weight_multiplier'),
    'HypervisorVersionWeigher': ('filter_scheduler',
                                 'hypervisor_version_weight_multiplier'),
    'NumInstancesWeigher': ('filter_scheduler',
                            'num_instances_weight_multiplier'),
    'ImagePropertiesWeigher': ('filter_scheduler',
                               'image_props_weight_multiplier'),
    'ServerGroupSoftAffinityWeigher': ('filter_scheduler',
                                       'soft_affinity_weight_multiplier'),
    'ServerGroupSoftAntiAffinityWeigher': (
        'filter_scheduler', 'soft_anti_affinity_weight_multiplier'),
    'MetricsWeigher': ('metrics', 'weight_multiplier'),
}


def other_weighers_sum(config, weighers):
    """How far nova's enabled weighers can move two hosts apart.

    The sum of the magnitudes of the multipliers of those among
    NOVA_WEIGHER_MULTIPLIERS that ``weighers`` enables.
    """
    from nova.scheduler import weights
    try:
        classes = weights.HostWeightHandler().get_matching_classes(weighers)
    except Exception:
        return None
    total = 0.0
    for cls in classes:
        option = NOVA_WEIGHER_MULTIPLIERS.get(cls.__name__)
        if option is not None:
            group, name = option
            total += abs(float(config[group][name]))
    return total


def _check_weighing(config, settings, weighers):
    """The storage preference must outweigh nova's other weighers."""
    others = other_weighers_sum(config, weighers)
    multiplier = settings.storage_weight_multiplier
    if others is None or multiplier <= 0 or verdicts.preference_holds(
            multiplier, others):
        return []
    return [Finding(
        WARNING, '[aerospike_filters] storage_weight_multiplier',
        "%s: a tier is worth %s, but nova's other weighers can move two "
        "hosts apart by up to %s (the sum of their multipliers), so tagged "
        "flavors may land on a slower tier" % (
            multiplier, multiplier * verdicts.TIER_GAP, others),
        _Edit(conf.GROUP, 'storage_weight_multiplier',
              lambda current: verdicts.multiplier_to_outweigh(others)))]


def check_validators():
    """Whether nova-api in this environment validates aerospike:* specs."""
    try:
        from nova.api.validation.extra_specs import validators
        loaded = storage_request.STORAGE_SPEC in validators.VALIDATORS
    except Exception as exc:
        return [Finding(ERROR, 'nova-api', 'nova\'s extra spec validators '
                        'cannot be imported here: %s' % exc,
                        'run doctor in the environment of nova-api')]
    if not loaded:
        return [Finding(ERROR, 'nova-api', 'the aerospike extra spec '
                        'validators are not registered: bad flavors are '
                        'accepted by the API', 'pip install aerospike-filters '
                        "into nova-api's environment and restart nova-api")]
    return []


def check_nvme_config(config, settings, data):
    """NVMe device requests need PciPassthroughFilter and a [pci] alias.

    Only flavors that really request devices (``pci_passthrough:alias``
    naming an nvme alias) count: a flavor that merely accepts the nvme
    tier (``aerospike:storage=local``) is met by lvm or raw without them,
    and a cloud without NVMe drives needs neither.
    """
    nvme_flavors = [
        f['name'] for f in (data or {}).get('flavors', [])
        if storage_request.parse_request(
            f.get('extra_specs', {}), settings.nvme_pci_aliases
        ).nvme_devices]
    if not nvme_flavors:
        return []
    found = []
    enabled = list(config.filter_scheduler.enabled_filters)
    if PCI_FILTER not in enabled:
        found.append(Finding(
            ERROR, '[filter_scheduler] enabled_filters',
            'PciPassthroughFilter is off but flavors %s request NVMe '
            'devices: nova '
            'would not check the devices it passes through'
            % ', '.join(nvme_flavors),
            _Edit('filter_scheduler', 'enabled_filters', _with_pci_filter)))
    defined = {alias.get('name') for alias in _aliases(config)[0]}
    if not defined & settings.nvme_pci_aliases and not _aliases(config)[1]:
        found.append(Finding(
            ERROR, '[pci] alias',
            'no alias named %s: the nvme tier can never be met'
            % ' or '.join(sorted(settings.nvme_pci_aliases)),
            _alias_fix(config, sorted(settings.nvme_pci_aliases)[0])))
    return found


PCI_FILTER = 'PciPassthroughFilter'


def _with_pci_filter(enabled):
    """enabled_filters with PciPassthroughFilter before the plugin's."""
    if PCI_FILTER in enabled:
        return enabled
    if FILTER in enabled:
        at = enabled.index(FILTER)
        return enabled[:at] + [PCI_FILTER] + enabled[at:]
    return enabled + [PCI_FILTER]


def _aliases(config):
    """([pci] alias entries that are JSON objects, the lines that are not)."""
    good, bad = [], []
    for line in config.pci.alias:
        try:
            alias = json.loads(line)
        except ValueError:
            alias = None
        if isinstance(alias, dict) and isinstance(alias.get('name'), str):
            good.append(alias)
        else:
            bad.append(line)
    return good, bad


def _alias_fix(config, name):
    """The [pci] alias line for the NVMe drives [pci] device_spec names."""
    for line in config.pci.device_spec:
        try:
            spec = json.loads(line)
        except ValueError:
            continue
        if isinstance(spec, dict) and {'vendor_id', 'product_id'} <= set(
                spec):
            return ('in nova.conf of nova-api, nova-scheduler and the '
                    'computes, [pci] alias = %s; then restart them'
                    % json.dumps({'name': name,
                                  'vendor_id': spec['vendor_id'],
                                  'product_id': spec['product_id'],
                                  'device_type': 'type-PCI'}))
    return ('in nova.conf of nova-api, nova-scheduler and the computes, add '
            'a [pci] alias line: a JSON object named %s with the vendor_id '
            'and product_id of the NVMe drives (lspci -nn on a compute '
            'shows them), "device_type": "type-PCI"; then restart them'
            % name)


def check_pci_aliases(config, settings):
    """[pci] alias lines nova cannot read: every PCI request then fails."""
    fix = _alias_fix(config, sorted(settings.nvme_pci_aliases)[0]).replace(
        'add a [pci] alias line', 'replace it with a [pci] alias line', 1
    ).replace(', [pci] alias =', ', replace it with [pci] alias =', 1)
    return [Finding(
        ERROR, '[pci] alias',
        'entry %s is not a JSON object with a "name": nova-api refuses '
        'every flavor that requests PCI devices and the scheduler places '
        'none' % line[:60], fix)
        for line in _aliases(config)[1]]


def _aggregates_of(data):
    members = collections.defaultdict(list)
    for agg in data.get('aggregates', []):
        for host in agg.get('hosts', []):
            members[host].append(agg)
    return members


HostsFor = collections.namedtuple('HostsFor', 'passing ineligible')
HostsFor.__doc__ = """Where a flavor could go: the hosts the filter passes
and nova could pick, and (host, why not) of those nova would not pick."""


def check_cloud(data, settings, hosts_for, tool_args=''):
    """Findings on the cloud's hosts, aggregates and flavors.

    :param data: a snapshot dict (with ``flavors`` for the flavor checks).
    :param settings: conf.Settings of the scheduler's nova.conf.
    :param hosts_for: callable(extra_specs) -> :class:`HostsFor`, from the
        real filter over the cloud, for "can this flavor be placed".
    :param tool_args: what points aerospike-filters at this cloud and
        nova.conf, for the fixes that use it.
    """
    key = settings.ephemeral_backend_key
    context = _FlavorContext(settings, hosts_for,
                             data.get('pci_in_placement', True),
                             _carried_traits(data), tool_args)
    return (_check_aggregate_values(data, key) +
            _check_hosts(data, settings) +
            _check_published_facts(data, settings, tool_args) +
            [finding for flavor in data.get('flavors', [])
             for finding in _check_flavor(flavor, context)] +
            _check_dedicated(data, settings))


_FlavorContext = collections.namedtuple(
    '_FlavorContext', 'settings hosts_for pci_known carried tool_args')


def _carried_traits(data):
    """The managed traits some host carries (empty when unknown)."""
    return {t for host in data['hosts'] for t in host.get('traits', [])}


def _check_aggregate_values(data, key):
    """Aggregates whose backend value nobody recognises."""
    # Unset, its hosts are undescribed (as unsuitable as now) until sync
    # or an admin names their backend: a fix that runs verbatim.
    return [Finding(
        ERROR, "aggregate '%s'" % agg['name'],
        '%s=%r is not a recognised backend; its hosts count as '
        'unsuitable' % (key, agg['metadata'][key]),
        aggregate_plan.openstack_command('aggregate', 'unset', '--property',
                                         key, agg['name']))
            for agg in data.get('aggregates', [])
            if key in agg.get('metadata', {}) and
            storage.backend_for(agg['metadata'][key]) is None]


def _check_hosts(data, settings):
    """Hosts in disagreeing aggregates, and hosts nobody describes."""
    key = settings.ephemeral_backend_key
    members = _aggregates_of(data)
    found = []
    for host in data['hosts']:
        name = host['host']
        facts = host_facts.facts_from_aggregates(
            [(a['name'], a.get('metadata', {})) for a in members[name]],
            key)
        if facts.conflict:
            found.append(Finding(
                ERROR, "host '%s'" % name,
                'in aggregates that disagree on %s (%s): rejected for '
                'Aerospike' % (key, ', '.join('%s=%s' % p
                                              for p in facts.conflict)),
                'on %s: aerospike-filters probe > report.json && '
                'aerospike-filters sync --report report.json (sync moves it '
                'into the aggregate of its real backend and names the '
                'aggregates it must leave that sync does not manage)'
                % name))
        elif facts.value is None and name not in settings.host_backends:
            found.append(Finding(
                WARNING, "host '%s'" % name,
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


def _check_published_facts(data, settings, tool_args):
    """Hosts whose published facts (provider config) and aggregates differ."""
    key = settings.ephemeral_backend_key
    members = _aggregates_of(data)
    found = []
    for host in data['hosts']:
        facts = trait_contract.facts_of(host.get('facts', []))
        if facts is None:
            continue
        name = host['host']
        fix = _tool('trait sync-facts --host %s' % shlex.quote(name),
                    tool_args)
        if facts.conflicts:
            found.append(Finding(
                ERROR, "host '%s'" % name,
                'publishes conflicting facts %s (a stale one, left by a '
                'changed nova.conf); the fix strips them and takes it out of '
                'every backend aggregate; then restart its nova-compute to '
                'publish the current ones' % ', '.join(facts.conflicts),
                fix))
            continue
        if facts.backend is None:
            continue
        described = host_facts.facts_from_aggregates(
            [(a['name'], a.get('metadata', {})) for a in members[name]], key)
        said = described.backend
        if said is None or said.name != facts.backend:
            found.append(Finding(
                WARNING, "host '%s'" % name,
                'its nova-compute published backend %s, its aggregates say '
                '%s' % (facts.backend, said.name if said else 'none'),
                fix))
    return found


def _check_dedicated(data, settings):
    """Dedicated aggregates that reserve nothing or for nobody."""
    if 'flavors' not in data:
        return []
    any_tagged = any(storage_request.parse_request(
        f.get('extra_specs', {})).tagged for f in data['flavors'])
    found = []
    for agg in data.get('aggregates', []):
        if not host_facts.is_true(agg.get('metadata', {}).get(
                host_facts.DEDICATED_KEY)):
            continue
        if not any_tagged:
            found.append(Finding(
                WARNING, "aggregate '%s'" % agg['name'],
                'reserved for Aerospike (aerospike_dedicated=true) but '
                'no flavor is tagged aerospike:storage',
                'aerospike-filters flavor create --storage local '
                '--vcpus 8 --ram 32768 --disk 40 aerospike.local '
                '(or: %s)' % aggregate_plan.openstack_command(
                    'aggregate', 'unset', '--property',
                    host_facts.DEDICATED_KEY, agg['name'])))
        elif not settings.isolate_dedicated_hosts:
            found.append(Finding(
                INFO, "aggregate '%s'" % agg['name'],
                'aerospike_dedicated=true has no effect while '
                'isolate_dedicated_hosts is off',
                'set [aerospike_filters] isolate_dedicated_hosts = true '
                'in the scheduler\'s nova.conf to reserve these hosts'))
    return found


def _check_flavor(flavor, context):
    """Findings on one flavor's extra specs.

    ``context.pci_known``: the cloud's data holds its PCI devices (a live
    cloud has them only when nova reports them to placement).
    """
    settings, hosts_for = context.settings, context.hosts_for
    name = flavor['name']
    specs = flavor.get('extra_specs', {})
    parsed = storage_request.parse_request(specs, settings.nvme_pci_aliases)
    if not parsed.tagged:
        return []
    subject = "flavor '%s'" % name
    if parsed.error:
        return [Finding(ERROR, subject, '%s: the scheduler places it '
                        'nowhere' % parsed.error,
                        _repair(name, specs, parsed, context))]
    if parsed.nvme_devices and not context.pci_known:
        return [Finding(
            INFO, subject, 'requests %d NVMe device(s), but the cloud does '
            'not report PCI devices to placement, so no tool can see which '
            'hosts have them free' % parsed.nvme_devices,
            'set [pci] report_in_placement = true in the computes\' '
            'nova.conf (then trait publish sees them too), or run '
            'aerospike-filters sync --traits on each compute with NVMe '
            'drives, then aerospike-filters flavor repair %s'
            % shlex.quote(name))]
    hosts = hosts_for(specs)
    if hosts.passing:
        return []
    return [Finding(ERROR, subject, 'no host can take it: %s; every boot '
                    'fails with NoValidHost' % _why_no_host(parsed, hosts),
                    _make_room(name, specs, parsed, settings, hosts,
                               hosts_for))]


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
                command += ' && ' + _tool('flavor repair %s'
                                          % shlex.quote(name),
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


def check_traits(data, settings, aliases, max_candidates, tool_args=''):
    """Findings on placement pre-selection: flavors' and hosts' traits.

    :param aliases: the ``[pci] alias`` entries, as dicts.
    :param max_candidates: the scheduler's ``[scheduler]
        max_placement_results``.
    :param tool_args: the arguments that point aerospike-filters at this
        cloud and nova.conf, appended to the fixes it proposes.
    """
    carried = _carried_traits(data)
    traits_known = any('traits' in host for host in data['hosts'])
    # Drift matters once the cloud uses traits; before that, the flavors'
    # findings say to publish them (one finding, not one per host).
    in_use = carried or any(trait_contract.flavor_traits(f.get('extra_specs'))
                            for f in data.get('flavors', []))
    return (_check_flavor_traits(data, settings, max_candidates, carried,
                                 traits_known, tool_args) +
            (_check_host_traits(data, settings, aliases, tool_args)
             if in_use else []))


def _tool(command, tool_args):
    return ('aerospike-filters %s %s' % (command, tool_args)).strip()


def _check_flavor_traits(data, settings, max_candidates, carried,
                         traits_known, tool_args):
    found = []
    nodes = len(data['hosts'])
    pci_known = data.get('pci_in_placement', True)
    for flavor in data.get('flavors', []):
        name = flavor['name']
        specs = flavor.get('extra_specs', {})
        repair = flavor_repair.plan_repair(specs, settings.nvme_pci_aliases)
        if repair.trait is None or not (repair.set or repair.unset):
            continue
        if not pci_known and storage_request.parse_request(
                specs, settings.nvme_pci_aliases).nvme_devices:
            continue  # check_cloud's finding says who can publish them
        fix = _tool('flavor repair %s' % shlex.quote(name), tool_args)
        if not traits_known or repair.trait not in carried:
            # Publishing is idempotent; repair leaves alone a flavor whose
            # trait no host carries, so publish first.
            fix = '%s && %s' % (_tool('trait publish', tool_args), fix)
        if repair.unset:
            found.append(Finding(
                ERROR, "flavor '%s'" % name,
                'requires %s, which does not match its %s (that calls for '
                '%s): placement offers it the wrong hosts, or none'
                % (', '.join(k[len(trait_contract.FLAVOR_SPEC_PREFIX):]
                             for k in repair.unset),
                   storage_request.STORAGE_SPEC, repair.trait), fix))
        else:
            found.append(_untraited(name, nodes, max_candidates, fix))
    return found


def _untraited(name, nodes, max_candidates, fix):
    """A flavor without trait: placement picks its candidates blindly."""
    if nodes > max_candidates:
        return Finding(
            ERROR, "flavor '%s'" % name,
            'requires no trait, so placement returns it any %d of the %d '
            'compute nodes ([scheduler] max_placement_results), suitable '
            'or not; boots fail with NoValidHost while suitable hosts sit '
            'idle' % (max_candidates, nodes), fix)
    return Finding(
        WARNING, "flavor '%s'" % name,
        'requires no trait, so placement picks its candidates without '
        'regard to storage: all %d compute nodes today, any %d of them '
        '([scheduler] max_placement_results) once the cloud has more, '
        'suitable or not' % (nodes, max_candidates), fix)


def _check_host_traits(data, settings, aliases, tool_args):
    """Hosts whose published traits disagree with their facts (drift)."""
    wanted = trait_contract.wanted_traits(data, settings, aliases)
    found = []
    for host in data['hosts']:
        if 'traits' not in host:
            continue
        current = host['traits']
        missing, extra = trait_contract.drift(current,
                                              wanted[host['host']](current))
        if not missing and not extra:
            continue
        said = []
        if missing:
            said.append('lacks %s (placement hides it from flavors it '
                        'suits)' % ', '.join(missing))
        if extra:
            said.append('carries %s (placement sends it flavors the '
                        'filter then rejects)' % ', '.join(extra))
        found.append(Finding(
            WARNING, "host '%s'" % host['host'],
            'its published traits disagree with its facts: %s'
            % '; '.join(said),
            _tool('trait publish --host %s' % shlex.quote(host['host']),
                  tool_args)))
    return found


def check_local_disk(data, settings, tool_args=''):
    """Tagged flavors whose guests can never have a local disk.

    A flavor with no root disk (``disk`` 0: nova lets only admins boot
    such a flavor from an image), no ephemeral disk and no NVMe devices
    boots from a volume, which the filter refuses for tagged flavors.
    Flavors whose sizes the data lacks are not judged.
    """
    found = []
    for flavor in data.get('flavors', []):
        if flavor.get('disk', 1) or flavor.get('ephemeral', 1):
            continue
        parsed = storage_request.parse_request(
            flavor.get('extra_specs', {}), settings.nvme_pci_aliases)
        if storage_request.no_local_disk(parsed, True, 0) is None:
            continue
        name = flavor['name']
        found.append(Finding(
            WARNING, "flavor '%s'" % name,
            'has no root disk, no ephemeral disk and no NVMe device: '
            'tenants can only boot it from a volume (nova lets only admins '
            'boot a zero-disk flavor from an image), and then its guest '
            'has no local disk, so the filter gives it no host',
            'create a flavor with an ephemeral disk (an existing one\'s '
            'cannot change) and boot with it: %s' % _tool(
                'flavor create %s --storage %s --vcpus %d --ram %d --disk 0 '
                '--ephemeral %d' % (
                    shlex.quote(name + '.ephemeral'),
                    shlex.quote(storage_request.tier_value(parsed.requested)),
                    flavor.get('vcpus', 1), flavor.get('ram', 1024),
                    DEFAULT_EPHEMERAL_GB), tool_args)))
    return found


#: The ephemeral disk doctor's fix gives a flavor that lacks a local disk.
DEFAULT_EPHEMERAL_GB = 10
