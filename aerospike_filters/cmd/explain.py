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
from aerospike_filters.cmd import base
from aerospike_filters import conf
from aerospike_filters import storage
from aerospike_filters import storage_request
from aerospike_filters import trait_contract

DEFAULT_EXTRA_SPECS = {storage_request.STORAGE_SPEC: 'local'}
COLUMNS = ('Rank', 'Host', 'Verdict', 'Tier', 'Weight', 'Service', 'Reason')


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
        data, conn = base.load_snapshot(self, parsed_args)
        replay.use_snapshot_aliases(data)
        flavor, specs = self._flavor(conn, data, parsed_args.flavor)
        aliases = conf.read_settings().nvme_pci_aliases
        try:
            specs.update(overrides)
            if flavor is None and not specs:
                specs = dict(DEFAULT_EXTRA_SPECS)
            if overrides:
                _refuse_invalid_what_if(flavor, specs, aliases)
            spec_obj = replay.request_spec(specs,
                                           flavor_name=flavor or 'what-if')
        except replay.RequestError as exc:
            raise base.CommandError(str(exc)) from None
        self.app.stderr.write(describe_request(
            flavor or 'what-if', specs, aliases) + '\n')
        rows = replay.explain(replay.host_states(data), spec_obj)
        return COLUMNS, [
            (row.rank, row.host, row.verdict, row.tier,
             None if row.weight is None else round(row.weight, 4), row.state,
             row.reason)
            for row in rows]

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
