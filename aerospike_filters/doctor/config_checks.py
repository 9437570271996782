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

"""Checks of the scheduler's nova.conf (read with nova's own options and
loaders) and of nova-api's environment (its extra spec validators)."""

import json

from aerospike_filters import conf
from aerospike_filters.doctor import findings
from aerospike_filters import storage_request
from aerospike_filters import verdicts

FILTER = 'AerospikeStorageFilter'
FILTER_PATHS = ('aerospike_filters.all_filters',
                'aerospike_filters.scheduler.storage_filter.'
                'AerospikeStorageFilter')
WEIGHER_PATHS = ('aerospike_filters.all_weighers',
                 'aerospike_filters.scheduler.storage_weigher.'
                 'AerospikeStorageWeigher')
NOVA_FILTERS = 'nova.scheduler.filters.all_filters'
PCI_FILTER = 'PciPassthroughFilter'
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


def nova_conf_given(context):
    """No nova.conf given or found: its checks did not run."""
    if context.scheduler_conf is not None:
        return []
    return [findings.Finding(
        findings.INFO, 'nova.conf', 'no nova.conf checked',
        "pass the scheduler's nova.conf with --config-file")]


def _unloadable(handler, paths, option):
    """A finding if nova's own loader cannot load the configured paths."""
    try:
        handler.get_matching_classes(paths)
    except Exception as exc:
        return [findings.Finding(
            findings.ERROR, '[filter_scheduler] %s' % option,
            'nova cannot load them: %s' % exc,
            "pip install aerospike-filters into nova-scheduler's "
            "environment, or fix the path")]
    return []


def _add_filter(name):
    return lambda enabled: enabled if name in enabled else enabled + [name]


def filters_and_weigher(context):
    """The filter unavailable or off, the weigher unlisted, or unloadable."""
    if context.scheduler_conf is None:
        return []
    from nova.scheduler import filters
    from nova.scheduler import weights

    found = []
    group = context.scheduler_conf.filter_scheduler
    available = list(group.available_filters)
    if not any(path in available for path in FILTER_PATHS):
        found.append(findings.Finding(
            findings.ERROR, '[filter_scheduler] available_filters',
            'the Aerospike filter is not available to the scheduler',
            'add a second line to [filter_scheduler] in nova.conf: '
            'available_filters = aerospike_filters.all_filters'))
    if NOVA_FILTERS not in available:
        found.append(findings.Finding(
            findings.WARNING, '[filter_scheduler] available_filters',
            "nova's own filters are not available (only %s)"
            % ', '.join(available),
            'add a line to [filter_scheduler] in nova.conf: '
            'available_filters = %s' % NOVA_FILTERS))
    found.extend(_unloadable(filters.HostFilterHandler(), available,
                             'available_filters'))
    enabled = list(group.enabled_filters)
    if FILTER not in enabled:
        found.append(findings.Finding(
            findings.ERROR, '[filter_scheduler] enabled_filters',
            'AerospikeStorageFilter is not enabled: Aerospike flavors are '
            'placed anywhere',
            findings.Edit('filter_scheduler', 'enabled_filters',
                          _add_filter(FILTER))))
    weighers = list(group.weight_classes)
    if not _weigher_listed(context):
        found.append(findings.Finding(
            findings.WARNING, '[filter_scheduler] weight_classes',
            'the Aerospike weigher is not listed: tagged flavors do not '
            'prefer nvme over lvm over raw',
            findings.Edit('filter_scheduler', 'weight_classes',
                          lambda current: current + [WEIGHER_PATHS[0]])))
    else:
        found.extend(_unloadable(weights.HostWeightHandler(), weighers,
                                 'weight_classes'))
    return found


def _weigher_listed(context):
    weighers = context.scheduler_conf.filter_scheduler.weight_classes
    return any(path in weighers for path in WEIGHER_PATHS)


def plugin_options(context):
    """``[aerospike_filters]`` values the plugin cannot read."""
    if context.settings_error is None:
        return []
    return [findings.Finding(
        findings.ERROR, '[aerospike_filters]', str(context.settings_error),
        'correct the value in nova.conf (see '
        'etc/aerospike-filters.conf.sample)')]


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


def weigher_balance(context):
    """nova's other weighers able to outweigh the storage preference."""
    if (context.scheduler_conf is None or context.settings is None or
            not _weigher_listed(context)):
        return []
    config = context.scheduler_conf
    others = other_weighers_sum(
        config, list(config.filter_scheduler.weight_classes))
    multiplier = context.settings.storage_weight_multiplier
    if others is None or multiplier <= 0 or verdicts.preference_holds(
            multiplier, others):
        return []
    return [findings.Finding(
        findings.WARNING, '[aerospike_filters] storage_weight_multiplier',
        "%s: a tier is worth %s, but nova's other weighers can move two "
        "hosts apart by up to %s (the sum of their multipliers), so tagged "
        "flavors may land on a slower tier" % (
            multiplier, multiplier * verdicts.TIER_GAP, others),
        findings.Edit(conf.GROUP, 'storage_weight_multiplier',
                      lambda current: verdicts.multiplier_to_outweigh(
                          others)))]


def misspelt_options(context):
    """Misspelt sections and options: nova-scheduler ignores them."""
    if context.scheduler_conf is None:
        return []
    from aerospike_filters.whatif import nova_config
    found = []
    for path, section, option, near in nova_config.unknown_options(
            context.args.config_file):
        if option is None:
            found.append(findings.Finding(
                findings.WARNING, '[%s]' % section,
                'in %s: no such section, nova-scheduler ignores it and '
                'uses the defaults of [%s]' % (path, near),
                'in %s, rename the section [%s] to [%s]; then restart '
                'nova-scheduler' % (path, section, near)))
        elif near:
            found.append(findings.Finding(
                findings.WARNING, '[%s] %s' % (section, option),
                'in %s: no such option, nova-scheduler ignores it and uses '
                'the default of %s' % (path, near),
                'in %s, rename %s to %s in [%s]; then restart '
                'nova-scheduler' % (path, option, near, section)))
        else:
            found.append(findings.Finding(
                findings.WARNING, '[%s] %s' % (section, option),
                'in %s: no such option, nova-scheduler ignores it' % path,
                'in %s, remove %s from [%s] (the configuration reference '
                'lists the options)' % (path, option, section)))
    return found


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


def pci_aliases(context):
    """``[pci] alias`` lines nova cannot read: every PCI request fails."""
    if context.scheduler_conf is None or context.settings is None:
        return []
    config = context.scheduler_conf
    fix = _alias_fix(config, sorted(context.settings.nvme_pci_aliases)[0]
                     ).replace('add a [pci] alias line',
                               'replace it with a [pci] alias line', 1
                               ).replace(', [pci] alias =',
                                         ', replace it with [pci] alias =', 1)
    return [findings.Finding(
        findings.ERROR, '[pci] alias',
        'entry %s is not a JSON object with a "name": nova-api refuses '
        'every flavor that requests PCI devices and the scheduler places '
        'none' % line[:60], fix)
        for line in _aliases(config)[1]]


def api_validators(context):
    """nova-api here without the validators of ``aerospike:*`` specs."""
    try:
        from nova.api.validation.extra_specs import validators
        loaded = storage_request.STORAGE_SPEC in validators.VALIDATORS
    except Exception as exc:
        return [findings.Finding(
            findings.ERROR, 'nova-api', "nova's extra spec validators "
            'cannot be imported here: %s' % exc,
            'run doctor in the environment of nova-api')]
    if not loaded:
        return [findings.Finding(
            findings.ERROR, 'nova-api', 'the aerospike extra spec '
            'validators are not registered: bad flavors are accepted by '
            'the API', "pip install aerospike-filters into nova-api's "
            'environment and restart nova-api')]
    return []


def _with_pci_filter(enabled):
    """enabled_filters with PciPassthroughFilter before the plugin's."""
    if PCI_FILTER in enabled:
        return enabled
    if FILTER in enabled:
        at = enabled.index(FILTER)
        return enabled[:at] + [PCI_FILTER] + enabled[at:]
    return enabled + [PCI_FILTER]


def nvme_requests(context):
    """NVMe device requests without PciPassthroughFilter or a [pci] alias.

    Only flavors that really request devices (``pci_passthrough:alias``
    naming an nvme alias) count: a flavor that merely accepts the nvme
    tier (``aerospike:storage=local``) is met by lvm or raw without them,
    and a cloud without NVMe drives needs neither.
    """
    if context.scheduler_conf is None or not context.cloud:
        return []
    config, settings = context.scheduler_conf, context.settings
    nvme_flavors = [
        f['name'] for f in context.data.get('flavors', [])
        if storage_request.parse_request(
            f.get('extra_specs', {}), settings.nvme_pci_aliases
        ).nvme_devices]
    if not nvme_flavors:
        return []
    found = []
    enabled = list(config.filter_scheduler.enabled_filters)
    if PCI_FILTER not in enabled:
        found.append(findings.Finding(
            findings.ERROR, '[filter_scheduler] enabled_filters',
            'PciPassthroughFilter is off but flavors %s request NVMe '
            'devices: nova '
            'would not check the devices it passes through'
            % ', '.join(nvme_flavors),
            findings.Edit('filter_scheduler', 'enabled_filters',
                          _with_pci_filter)))
    good, bad = _aliases(config)
    defined = {alias.get('name') for alias in good}
    if not defined & settings.nvme_pci_aliases and not bad:
        found.append(findings.Finding(
            findings.ERROR, '[pci] alias',
            'no alias named %s: the nvme tier can never be met'
            % ' or '.join(sorted(settings.nvme_pci_aliases)),
            _alias_fix(config, sorted(settings.nvme_pci_aliases)[0])))
    return found
