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

"""Checks of placement pre-selection: flavors' and hosts' traits."""

import shlex

from aerospike_filters.doctor import findings
from aerospike_filters import flavor_repair
from aerospike_filters import storage_request
from aerospike_filters import trait_contract


def flavor_traits(context):
    """Tagged flavors without the trait of their tiers, or a wrong one."""
    if not context.cloud:
        return []
    data, settings, carried = context.data, context.settings, context.carried
    traits_known = any('traits' in host for host in data['hosts'])
    found = []
    nodes = len(data['hosts'])
    for flavor in data.get('flavors', []):
        name = flavor['name']
        specs = flavor.get('extra_specs', {})
        repair = flavor_repair.plan_repair(specs, settings.nvme_pci_aliases)
        if repair.trait is None or not (repair.set or repair.unset):
            continue
        if not context.pci_known and storage_request.parse_request(
                specs, settings.nvme_pci_aliases).nvme_devices:
            continue  # cloud_checks.flavor_placement says who can publish
        fix = findings.tool('flavor repair %s' % shlex.quote(name),
                            context.tool_args)
        if not traits_known or repair.trait not in carried:
            # Publishing is idempotent; repair leaves alone a flavor whose
            # trait no host carries, so publish first.
            fix = '%s && %s' % (findings.tool('trait publish',
                                              context.tool_args), fix)
        if repair.unset:
            found.append(findings.Finding(
                findings.ERROR, "flavor '%s'" % name,
                'requires %s, which does not match its %s (that calls for '
                '%s): placement offers it the wrong hosts, or none'
                % (', '.join(k[len(trait_contract.FLAVOR_SPEC_PREFIX):]
                             for k in repair.unset),
                   storage_request.STORAGE_SPEC, repair.trait), fix))
        else:
            found.append(_untraited(name, nodes, context.max_candidates,
                                    fix))
    return found


def _untraited(name, nodes, max_candidates, fix):
    """A flavor without trait: placement picks its candidates blindly."""
    if nodes > max_candidates:
        return findings.Finding(
            findings.ERROR, "flavor '%s'" % name,
            'requires no trait, so placement returns it any %d of the %d '
            'compute nodes ([scheduler] max_placement_results), suitable '
            'or not; boots fail with NoValidHost while suitable hosts sit '
            'idle' % (max_candidates, nodes), fix)
    return findings.Finding(
        findings.WARNING, "flavor '%s'" % name,
        'requires no trait, so placement picks its candidates without '
        'regard to storage: all %d compute nodes today, any %d of them '
        '([scheduler] max_placement_results) once the cloud has more, '
        'suitable or not' % (nodes, max_candidates), fix)


def _traits_in_use(context):
    """Whether some host carries a managed trait or some flavor needs one."""
    return bool(context.carried) or any(
        trait_contract.flavor_traits(f.get('extra_specs'))
        for f in context.data.get('flavors', []))


def host_traits(context):
    """Hosts whose published traits disagree with their facts (drift)."""
    # Drift matters once the cloud uses traits; before that, the flavors'
    # findings say to publish them (one finding, not one per host).
    if not context.cloud or not _traits_in_use(context):
        return []
    data = context.data
    wanted = trait_contract.wanted_traits(data, context.settings,
                                          context.aliases)
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
        found.append(findings.Finding(
            findings.WARNING, "host '%s'" % host['host'],
            'its published traits disagree with its facts: %s'
            % '; '.join(said),
            findings.tool('trait publish --host %s'
                          % shlex.quote(host['host']), context.tool_args)))
    return found
