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

"""tempest.conf for the real cloud, generated from what the cloud says.

Run by ``tools/realcloud/realcloud tempest-config MODE`` with nova's
Python (openstacksdk, OS_CLOUD and OS_CLIENT_CONFIG_FILE set). Every value
comes from the cloud or its configuration files: the admin credentials of
clouds.yaml, the image and flavors found through the API, the compute API's
newest microversion, the filters nova-scheduler enables (read from its
nova.conf with oslo.config), the number of computes, neutron's
extensions. Nothing is edited by
hand.

Its flavors are nova's (``realcloud.plain`` and a larger
``realcloud.plain.alt`` for resizes); for the tagged mode the devstack
plugin's ``configure_aerospike_filters_tempest`` then replaces them with
flavors of ``aerospike-filters flavor create --storage local``, as in a
devstack job, so every server tempest boots is an Aerospike server.

The fake driver has no consoles, no guest agent and nothing a guest could
ping; neutron has no agent, so no port binds: those features are off
(see tests/integration/tempest/exclude.txt). cinder is available to tempest
when the cloud lists a cinder-volume service up (tools/realcloud/lib/cinder,
on the cloud's Ceph).
"""

import argparse
import configparser
import os
import sys

import openstack
from oslo_config import cfg

IMAGE = 'realcloud-tiny'
FLAVORS = ('realcloud.plain', 'realcloud.plain.alt')
# flavor_ref and flavor_ref_alt: (vcpus, ram MB, disk GB); the alternate is
# larger, for resizes.
SIZES = ((1, 512, 1), (1, 1024, 1))
COMPUTE_FEATURES = {
    # What nova's fake driver does.
    'resize': True, 'cold_migration': True, 'live_migration': True,
    'pause': True, 'suspend': True, 'shelve': True, 'rescue': True,
    'snapshot': True, 'console_output': True,
    # What it cannot: consoles, a guest agent, a metadata service.
    'change_password': False, 'vnc_console': False, 'spice_console': False,
    'serial_console': False, 'metadata_service': False, 'config_drive': False,
    'personality': False, 'stable_rescue': False,
    # No port binds without an L2 agent. Volumes attach (cinder on Ceph),
    # but the fake driver cannot swap, encrypt or share one, nor
    # live-migrate or block-migrate with one attached.
    'interface_attach': False, 'attach_encrypted_volume': False,
    'swap_volume': False, 'volume_backed_live_migration': False,
    'volume_multiattach': False, 'block_migration_for_live_migration': False,
}


def cinder_up(conn):
    """Whether the cloud has cinder with a volume service up."""
    try:
        return any(s.binary == 'cinder-volume' and s.state == 'up'
                   for s in conn.block_storage.services())
    except Exception:  # no block-storage endpoint, or it does not answer
        return False


def enabled_filters(scheduler_conf):
    """[filter_scheduler] enabled_filters as nova-scheduler reads them."""
    conf = cfg.ConfigOpts()
    conf.register_opts([cfg.ListOpt('enabled_filters')],
                       group='filter_scheduler')
    conf(args=[], project='nova', default_config_files=scheduler_conf)
    return conf.filter_scheduler.enabled_filters


def flavor(conn, name, size):
    found = conn.compute.find_flavor(name)
    if found is not None:
        return found.id
    vcpus, ram, disk = size
    return conn.compute.create_flavor(name=name, vcpus=vcpus, ram=ram,
                                      disk=disk).id


def tempest_conf(conn, args):
    auth = conn.config.config['auth']
    image = conn.image.find_image(IMAGE, ignore_missing=False)
    refs = [flavor(conn, name, size) for name, size in zip(FLAVORS, SIZES)]
    newest = conn.compute.get('/').json()['version']
    computes = [s for s in conn.compute.services()
                if s.binary == 'nova-compute' and s.state == 'up' and
                s.status == 'enabled']
    conf = configparser.ConfigParser(interpolation=None)
    conf.optionxform = str
    conf.read_dict({
        'DEFAULT': {'log_file': args.log_file, 'debug': 'false'},
        'oslo_concurrency': {'lock_path': os.path.join(
            os.path.dirname(os.path.dirname(os.path.abspath(args.output))),
            'tempest_lock')},
        'auth': {
            'use_dynamic_credentials': 'true',
            # No port binds: tempest makes no network, servers get none.
            'create_isolated_networks': 'false',
            'admin_username': auth['username'],
            'admin_password': auth['password'],
            'admin_project_name': auth['project_name'],
            'admin_domain_name': auth['user_domain_name'],
        },
        'identity': {
            'uri_v3': auth['auth_url'], 'auth_version': 'v3',
            'region': conn.config.get_region_name() or 'RegionOne',
        },
        'identity-feature-enabled': {'api_v2': 'false'},
        'compute': {
            'image_ref': image.id, 'image_ref_alt': image.id,
            'flavor_ref': refs[0], 'flavor_ref_alt': refs[1],
            'min_compute_nodes': str(len(computes)),
            'max_microversion': newest['version'],
            'build_timeout': '180',
        },
        'compute-feature-enabled': dict(
            {k: str(v).lower() for k, v in COMPUTE_FEATURES.items()},
            scheduler_enabled_filters=','.join(
                enabled_filters(args.scheduler_conf))),
        'network-feature-enabled': {
            'floating_ips': 'false',
            # What neutron really offers (tempest assumes "all").
            'api_extensions': ','.join(sorted(
                e.alias for e in conn.network.extensions())),
        },
        'validation': {'run_validation': 'false'},
        'service_available': {
            'nova': 'true', 'glance': 'true', 'neutron': 'true',
            'placement': 'true', 'cinder': str(cinder_up(conn)).lower(),
            'swift': 'false', 'horizon': 'false',
        },
        # keystone lists cinder as volumev3 (tools/realcloud/lib/cinder).
        'volume': {'catalog_type': 'volumev3', 'storage_protocol': 'ceph'},
        'image-feature-enabled': {'api_v1': 'false'},
    })
    with open(args.output, 'w') as stream:
        stream.write('# Generated by tools/realcloud/tempest_conf.py: do not'
                     ' edit.\n')
        conf.write(stream)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('output')
    parser.add_argument('--log-file', required=True)
    parser.add_argument('--scheduler-conf', action='append', required=True)
    args = parser.parse_args()
    conn = openstack.connect(cloud=os.environ.get('OS_CLOUD', 'realcloud'))
    tempest_conf(conn, args)
    return 0


if __name__ == '__main__':
    sys.exit(main())
