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

"""``aerospike-filters explain``: rank a cloud's hosts for a flavor."""

from cliff import lister
from osc_lib.cli import parseractions

from aerospike_filters.client import flavors
from aerospike_filters.client import server_groups
from aerospike_filters.cmd import base
from aerospike_filters import conf
from aerospike_filters import rack_spread
from aerospike_filters import snapshot_format
from aerospike_filters import storage
from aerospike_filters import storage_request
from aerospike_filters import trait_contract

DEFAULT_EXTRA_SPECS = {storage_request.STORAGE_SPEC: 'local'}
COLUMNS = ('Rank', 'Host', 'Verdict', 'Tier', 'Weight', 'Service', 'Reason')
#: With --server-group: each host's failure domain, after its name.
GROUP_COLUMNS = COLUMNS[:2] + ('Domain',) + COLUMNS[2:]


class Explain(base.CommandBase, lister.Lister):
    """Run the real filter and weigher over a cloud and explain each host.

    Hosts the filter passes and nova could pick are ranked by weight (the
    weigher's contribution); hosts the filter passes but nova would not
    pick (service disabled or down, requested PCI devices missing) follow
    as INELIGIBLE, then the rejected hosts, each with the reason. The
    evaluated request is printed on standard error.

    The cloud is a live one (--os-cloud), a snapshot file, or the sample
    cloud shipped with the package. The flavor is a live flavor (--flavor),
    extra specs given with --extra-spec (on top of the flavor's, for a
    what-if; checked as nova-api checks them), or aerospike:storage=local.

    With --server-group (a live cloud's group, or one of the snapshot's
    server_groups), the request is booted into that group: the rack
    filter (with --rack-spread strict) and the rack weigher run too, each
    host's failure domain shows, and the request line says the group's
    nodes per domain.
    """

    report_columns = COLUMNS

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        base.add_source_arguments(parser)
        parser.add_argument(
            '--flavor', metavar='<flavor>',
            help='name or ID of a flavor of the live cloud')
        parser.add_argument(
            '--extra-spec', metavar='<key=value>',
            action=parseractions.KeyValueAction, dest='extra_specs',
            help='flavor extra spec; repeat for several (default: '
                 'aerospike:storage=local)')
        parser.add_argument(
            '--server-group', metavar='<name-or-id>',
            help='boot the request into this server group (any project) '
                 'and show the rack spread')
        parser.add_argument(
            '--rack-spread', choices=rack_spread.MODES,
            help='with --server-group: the scheduler hint %s (default: '
                 'none, which means %s)' % (rack_spread.HINT,
                                            rack_spread.PREFERRED))
        return parser

    def take_action(self, parsed_args):
        overrides = parsed_args.extra_specs or {}
        # A [pci] alias line nova cannot read: one line, not nova's text.
        base.pci_aliases_from_files(parsed_args.config_file)
        base.load_nova_conf(parsed_args.config_file)
        # nova is installed: load_nova_conf said so.
        from aerospike_filters.whatif import replay
        try:
            replay.validate_extra_specs(overrides)
        except replay.RequestError as exc:
            raise base.CommandError(str(exc)) from None
        if parsed_args.rack_spread and not parsed_args.server_group:
            raise base.CommandError(
                '--rack-spread %s: the hint acts on a server group; add '
                '--server-group <name-or-id>' % parsed_args.rack_spread)
        data, conn = base.load_snapshot(self, parsed_args)
        replay.use_snapshot_aliases(data)
        flavor, specs = self._flavor(conn, data, parsed_args.flavor)
        group = self._group(conn, data, parsed_args.server_group)
        aliases = conf.read_settings().nvme_pci_aliases
        try:
            specs.update(overrides)
            if flavor is None and not specs:
                specs = dict(DEFAULT_EXTRA_SPECS)
            if overrides:
                _refuse_invalid_what_if(flavor, specs, aliases)
            spec_obj = replay.request_spec(
                specs, flavor_name=flavor or 'what-if', group=group,
                spread=parsed_args.rack_spread, snapshot=data)
        except replay.RequestError as exc:
            raise base.CommandError(str(exc)) from None
        self.app.stderr.write(describe_request(
            flavor or 'what-if', specs, aliases) + '\n')
        rows = replay.explain(replay.host_states(data, group), spec_obj)
        columns, domain_cells = COLUMNS, None
        if group is not None:
            settings = conf.read_settings()
            domains = snapshot_format.domains_of_hosts(
                data, settings.failure_domain_key, replay.default_zone())
            self.app.stderr.write(describe_group(
                group, domains, settings.failure_domain_key, specs,
                parsed_args.rack_spread) + '\n')
            columns = GROUP_COLUMNS
            domain_cells = {host: domain.name or 'none: %s' % domain.error
                            for host, domain in domains.items()}
        return columns, [
            (row.rank, row.host) +
            (() if domain_cells is None else (domain_cells[row.host],)) +
            (row.verdict, row.tier,
             None if row.weight is None else round(row.weight, 4), row.state,
             row.reason)
            for row in rows]

    @staticmethod
    def _group(conn, data, name_or_id):
        """The server group (snapshot form) to boot into, or None."""
        if not name_or_id:
            return None
        if conn is None:
            try:
                return snapshot_format.find_group(data, name_or_id)
            except LookupError as exc:
                raise base.CommandError(
                    '--server-group %s: %s; name one of its groups, or read '
                    'a live cloud with --os-cloud (or a snapshot '
                    'aerospike-filters snapshot wrote)' % (name_or_id, exc)
                ) from None
        with base.cloud_errors('Reading server group %s' % name_or_id):
            try:
                return server_groups.named(conn, name_or_id)
            except LookupError as exc:
                raise base.CommandError(
                    '--server-group %s: %s; list them with openstack server '
                    'group list --all-projects' % (name_or_id, exc)) from None

    @staticmethod
    def _flavor(conn, data, name_or_id):
        """(name, extra specs) of the cloud's flavor, or (None, {}).

        From the live cloud, or from the snapshot's ``flavors``.
        """
        if not name_or_id:
            return None, {}
        if conn is None:
            for flavor in data.get('flavors', []):
                if flavor['name'] == name_or_id:
                    return flavor['name'], dict(flavor.get('extra_specs', {}))
            raise base.CommandError(
                '--flavor %s: the snapshot has no such flavor (it has: %s); '
                'name one of them, or read a live cloud with --os-cloud'
                % (name_or_id, ', '.join(sorted(
                    f['name'] for f in data.get('flavors', []))) or 'none'))
        with base.cloud_errors('Reading flavor %s' % name_or_id):
            try:
                return flavors.named_extra_specs(conn, name_or_id)
            except LookupError as exc:
                raise base.CommandError(str(exc)) from None


def _refuse_invalid_what_if(flavor, specs, aliases):
    """A what-if whose extra specs nova would refuse: the fix is in them."""
    request = storage_request.parse_request(specs, aliases)
    if not request.error:
        return
    sets = ['--extra-spec %s=%s' % change for change in request.fix
            if change.value is not None]
    drops = ['%s=...' % change.key for change in request.fix
             if change.value is None]
    fix = ' '.join(sets) + (' ' if sets and drops else '') + (
        'without --extra-spec %s' % ', '.join(drops) if drops else '')
    raise base.CommandError('--extra-spec (a what-if%s): %s; try %s' % (
        ' on flavor %s' % flavor if flavor else '', request.error, fix))


def describe_request(flavor, specs, nvme_aliases):
    """One line: the flavor, its extra specs and what the filter reads."""
    shown = ', '.join('%s=%s' % item for item in sorted(specs.items()))
    request = storage_request.parse_request(specs, nvme_aliases)
    if not request.tagged:
        meaning = 'untagged: every host passes'
    elif request.error:
        meaning = 'invalid, no host passes: %s; fix: %s' % (
            request.error, storage_request.fix_command(flavor, request.fix))
    else:
        meaning = 'accepts %s' % storage_request.tier_value(request.tiers)
        if request.nvme_devices:
            meaning += ' (%d NVMe device(s) requested)' % request.nvme_devices
        elif storage.NVME in request.requested:
            meaning += ' (nvme does not count: no NVMe device requested)'
        trait = trait_contract.trait_for_tiers(request.tiers)
        required = sorted(
            t for t, how in trait_contract.flavor_traits(specs).items()
            if how == trait_contract.REQUIRED)
        if trait in required:
            meaning += '; requires its trait %s' % trait
        elif required:
            meaning += ('; requires %s, not its trait %s: placement offers '
                        'it the wrong hosts, or none; fix: aerospike-filters '
                        'flavor repair %s' % (', '.join(required), trait,
                                              flavor))
        else:
            meaning += ('; requires no trait (its trait is %s): placement '
                        'does not pre-select hosts for it' % trait)
    return 'Request: flavor %s (%s): %s' % (flavor, shown or 'no extra specs',
                                            meaning)


def describe_group(group, domains, key, specs, spread):
    """One line: the group, its policy, the spread mode, nodes per domain.

    :param domains: {host: rack_spread.Domain} of the cloud's hosts.
    """
    mode, error = rack_spread.mode_of(spread)
    tagged = storage_request.is_tagged(specs)
    if error:
        how = 'invalid: %s' % error
    elif not tagged:
        how = 'does not apply: the flavor is untagged'
    elif group['policy'] not in rack_spread.SPREAD_POLICIES:
        how = 'does not apply: policy %s does not spread (use %s)' % (
            group['policy'], ' or '.join(sorted(rack_spread.SPREAD_POLICIES)))
    elif mode == rack_spread.OFF:
        how = 'off (the hint opts out)'
    else:
        how = mode
    members = snapshot_format.member_hosts(group)
    counts = rack_spread.domain_counts(members, domains)
    seen = {d.name for d in domains.values() if d.name is not None}
    lost = sum(nodes for host, nodes in members.items()
               if domains.get(host) is None or domains[host].name is None)
    return ('Server group %s (%s): policy %s, rack spread %s; %d node(s), '
            'per domain (%s): %s%s' % (
                group['name'] or '-', group['id'], group['policy'] or '-',
                how, len(group.get('members', [])), key,
                rack_spread.describe_counts(counts, seen) or 'none',
                '; %d node(s) on hosts of no known domain' % lost
                if lost else ''))
