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

"""``aerospike-filters flavor create``: a consistent Aerospike flavor."""

from cliff import show
from osc_lib.cli import format_columns

from aerospike_filters import cli
from aerospike_filters import request as storage_request
from aerospike_filters import storage


def aerospike_extra_specs(tiers_text, nvme_devices=None, nvme_alias='nvme'):
    """The extra specs of an Aerospike flavor, or UserError if inconsistent.

    NVMe devices are requested (``pci_passthrough:alias``) exactly when the
    flavor accepts the nvme tier; without it an NVMe host would be chosen
    and no drive passed through.
    """
    try:
        tiers = storage_request.parse_tiers(tiers_text)
    except storage_request.InvalidStorageValue as exc:
        raise cli.CommandError('--storage: %s' % exc)
    specs = {storage_request.STORAGE_SPEC: ','.join(
        t for t in storage.TIERS if t in tiers)
        if tiers != frozenset(storage.TIERS) else storage.LOCAL}
    if storage.NVME in tiers:
        count = 1 if nvme_devices is None else nvme_devices
        if count < 1:
            raise cli.CommandError('--nvme-devices must be 1 or more for a '
                                   'flavor that accepts nvme')
        if not nvme_alias or ':' in nvme_alias or ',' in nvme_alias:
            raise cli.CommandError('--nvme-alias %r is not a [pci] alias name'
                                   % nvme_alias)
        specs['pci_passthrough:alias'] = '%s:%d' % (nvme_alias, count)
    elif nvme_devices is not None:
        raise cli.CommandError(
            '--nvme-devices needs a --storage that accepts nvme (e.g. '
            '"nvme" or "local"); %r does not' % tiers_text)
    return specs


#: From this compute API microversion on, nova-api validates extra specs
#: (through this plugin's validators, where installed).
VALIDATING_MICROVERSION = '2.86'


def set_validated_extra_specs(conn, flavor_id, specs):
    """Set extra specs at a microversion where nova-api validates them.

    openstacksdk's own call uses an older microversion, at which nova
    accepts anything; a refusal becomes a UserError with nova's message.
    """
    response = conn.compute.post(
        '/flavors/%s/os-extra_specs' % flavor_id,
        json={'extra_specs': specs},
        microversion=VALIDATING_MICROVERSION, raise_exc=False)
    if response.status_code >= 400:
        try:
            body = response.json()
            message = next(iter(body.values()))['message']
        except Exception:
            message = response.text[:200]
        raise cli.CommandError('nova-api refused the extra specs (HTTP %d): %s'
                               % (response.status_code, message))


class CreateFlavor(cli.CommandBase, show.ShowOne):
    """Create a flavor tagged for Aerospike, with consistent extra specs."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<flavor-name>',
                            help='name of the new flavor')
        parser.add_argument('--storage', metavar='<tiers>', required=True,
                            help="tiers: 'local' or a comma-separated subset "
                                 'of nvme, lvm, raw')
        parser.add_argument('--vcpus', metavar='<vcpus>', type=int,
                            required=True, help='number of vCPUs')
        parser.add_argument('--ram', metavar='<size-mb>', type=int,
                            required=True, help='memory in MiB')
        parser.add_argument('--disk', metavar='<size-gb>', type=int,
                            default=0, help='root disk in GiB (default 0)')
        parser.add_argument('--ephemeral', metavar='<size-gb>', type=int,
                            default=0,
                            help='ephemeral disk in GiB (default 0)')
        parser.add_argument('--nvme-devices', metavar='<count>', type=int,
                            default=None,
                            help='NVMe drives passed through (default 1 when '
                                 'the flavor accepts nvme)')
        parser.add_argument('--nvme-alias', metavar='<alias>',
                            default='nvme',
                            help='[pci] alias of the NVMe drives (default '
                                 'nvme)')
        parser.add_argument('--id', metavar='<id>', dest='flavor_id',
                            default=None,
                            help='flavor ID (default: generated)')
        parser.add_argument('--private', action='store_true',
                            help='not public')
        cli.add_cloud_argument(parser)
        return parser

    def take_action(self, args):
        specs = aerospike_extra_specs(args.storage, args.nvme_devices,
                                      args.nvme_alias)
        for option in ('vcpus', 'ram'):
            if getattr(args, option) < 1:
                raise cli.CommandError('--%s must be 1 or more' % option)
        conn = cli.connect(self, args.os_cloud)
        with cli.cloud_errors('Creating flavor %s' % args.name):
            if conn.compute.find_flavor(args.name, ignore_missing=True):
                raise cli.CommandError('a flavor named %r exists already'
                                       % args.name)
            attrs = dict(name=args.name, vcpus=args.vcpus, ram=args.ram,
                         disk=args.disk, ephemeral=args.ephemeral,
                         is_public=not args.private)
            if args.flavor_id:
                attrs['id'] = args.flavor_id
            flavor = conn.compute.create_flavor(**attrs)
            try:
                set_validated_extra_specs(conn, flavor.id, specs)
            except Exception:
                # No half-made Aerospike flavor without its tag.
                conn.compute.delete_flavor(flavor, ignore_missing=True)
                raise
        return (('name', 'id', 'vcpus', 'ram', 'disk', 'ephemeral',
                 'extra_specs'),
                (flavor.name, flavor.id, flavor.vcpus, flavor.ram,
                 flavor.disk, flavor.ephemeral,
                 format_columns.DictColumn(specs)))
