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

"""The real cloud's API-side steps, with openstacksdk (one process, fast).

Run by tools/realcloud/realcloud (rc_api_steps, lib/functions) with
nova's Python, OS_CLOUD and OS_CLIENT_CONFIG_FILE set, and by the
integration suite (``check``):

* ``bootstrap``: the service project, and for each service of
  state/catalog (written by setup from the service files' RC_CATALOG) a
  user named after it (admin and service roles), the service and its
  endpoints;
* ``wait-services [--timeout S] [--since EPOCH]``: nova-conductor,
  nova-scheduler and every compute up (and reporting since EPOCH), and
  one resource provider per compute;
* ``content --image-file F``: a 1 MiB raw image, an untagged flavor, no
  quota limits for the admin project;
* ``check [--since EPOCH]``: every endpoint answers, every nova service
  is up.
"""

import argparse
import datetime
import os
import sys
import time

import openstack

FAKE_COMPUTES = ['compute-lvm', 'compute-raw', 'compute-qcow2',
                 'compute-rbd']


def _state_lines(name):
    """The lines of a file of the cloud's state directory, or None."""
    path = os.path.join(os.environ.get(
        'REALCLOUD_DIR', '/opt/aerospike-filters-realcloud'), 'state', name)
    try:
        with open(path) as stream:
            return [line.strip() for line in stream if line.strip()]
    except FileNotFoundError:
        return None


def computes():
    """Every compute's host (state/compute-hosts, written by setup)."""
    hosts = _state_lines('compute-hosts')
    return FAKE_COMPUTES if hosts is None else hosts


def catalog():
    """(type, name, URL) of every service keystone lists but itself.

    state/catalog, written by setup (lib/keystone) from what each service
    file adds to RC_CATALOG; each service's user has its name.
    """
    return [tuple(line.split()) for line in _state_lines('catalog') or []]


IDENTITY = ('identity', 'keystone', 'http://127.0.0.1:5000/v3')
IMAGE = 'realcloud-tiny'
PLAIN_FLAVOR = 'realcloud.plain'


def connect():
    return openstack.connect(cloud=os.environ.get('OS_CLOUD', 'realcloud'))


def bootstrap(conn, args):
    identity = conn.identity
    domain = identity.find_domain('default')
    project = identity.find_project('service', domain_id=domain.id)
    if project is None:
        project = identity.create_project(name='service',
                                          domain_id=domain.id)
    admin = identity.find_role('admin')
    # As devstack: service users hold the service role too, which
    # keystonemiddleware requires of a service token (nova sends one with
    # each request to neutron).
    service_role = (identity.find_role('service') or
                    identity.create_role(name='service'))
    password = os.environ['RC_SERVICE_PASSWORD']
    services = catalog()
    for _, name, _ in services:
        user = identity.find_user(name, domain_id=domain.id)
        if user is None:
            user = identity.create_user(name=name, domain_id=domain.id,
                                        password=password)
        else:
            identity.update_user(user, password=password)
        identity.assign_project_role_to_user(project, user, admin)
        identity.assign_project_role_to_user(project, user, service_role)
    for service_type, name, url in services:
        found = [s for s in identity.services() if s.type == service_type]
        service = found[0] if found else identity.create_service(
            name=name, type=service_type)
        have = {e.interface for e in identity.endpoints(
            service_id=service.id)}
        for interface in ('public', 'internal'):
            if interface not in have:
                identity.create_endpoint(service_id=service.id, url=url,
                                         interface=interface,
                                         region_id='RegionOne')


def _heard_since(service, since):
    if since is None:
        return True
    if not service.updated_at:
        return False
    heard = datetime.datetime.fromisoformat(service.updated_at.rstrip('Z'))
    return heard.replace(tzinfo=datetime.timezone.utc).timestamp() >= since


def _nova_state(conn, since=None):
    """What is not up yet.

    With since (epoch), a service counts as up only once it reported after
    that time: after a restart of RabbitMQ, nova still shows it up for
    service_down_time while it cannot report.
    """
    # Up is reporting, enabled or not: setup parks the libvirt compute
    # disabled (lib/libvirt), and tests disable computes for a while.
    up = {(s.binary, s.host) for s in conn.compute.services()
          if s.state == 'up' and _heard_since(s, since)}
    missing = [b for b in ('nova-conductor', 'nova-scheduler')
               if not any(binary == b for binary, _ in up)]
    hosts = computes()
    missing += ['nova-compute on %s' % h for h in hosts
                if ('nova-compute', h) not in up]
    providers = {p.name for p in conn.placement.resource_providers()}
    missing += ['resource provider %s' % h for h in hosts
                if h not in providers]
    return missing


def wait_services(conn, args):
    deadline = time.time() + args.timeout
    missing = ['nothing checked yet']
    while time.time() < deadline:
        try:
            missing = _nova_state(conn, args.since)
        except openstack.exceptions.SDKException as error:
            missing = [str(error)]
        if not missing:
            return 0
        time.sleep(2)
    print('not up after %ss: %s' % (args.timeout, ', '.join(missing)),
          file=sys.stderr)
    return 1


def content(conn, args):
    if conn.image.find_image(IMAGE) is None:
        if not os.path.exists(args.image_file):
            with open(args.image_file, 'wb') as stream:
                stream.write(os.urandom(1024 * 1024))
        conn.create_image(IMAGE, filename=args.image_file,
                          disk_format='raw', container_format='bare',
                          visibility='public', wait=True)
    if conn.compute.find_flavor(PLAIN_FLAVOR) is None:
        conn.compute.create_flavor(name=PLAIN_FLAVOR, vcpus=1, ram=512,
                                   disk=1)
    project = conn.identity.find_project('admin')
    # The README's 64 GiB flavors exceed nova's default quota.
    conn.set_compute_quotas(project.id, ram=-1, cores=-1, instances=-1)


def check(conn, args):
    services = catalog()
    bad = [] if services else ['no services in state/catalog']
    for service_type, name, url in services + [IDENTITY]:
        try:
            conn.session.get(url, authenticated=False,
                             raise_exc=False).status_code
        except Exception as error:  # any failure means it is down
            bad.append('%s (%s): %s' % (name, url, error))
    try:
        bad += _nova_state(conn, args.since)
    except openstack.exceptions.SDKException as error:
        bad.append(str(error))
    for line in bad:
        print('DOWN: %s' % line)
    if not bad:
        print('endpoints answer; conductor, scheduler and %d computes up'
              % len(computes()))
    return 1 if bad else 0


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest='command', required=True)
    commands.add_parser('bootstrap').set_defaults(func=bootstrap)
    wait = commands.add_parser('wait-services')
    wait.add_argument('--timeout', type=int, default=300)
    wait.add_argument('--since', type=float)
    wait.set_defaults(func=wait_services)
    make = commands.add_parser('content')
    make.add_argument('--image-file', required=True)
    make.set_defaults(func=content)
    check_parser = commands.add_parser('check')
    check_parser.add_argument('--since', type=float)
    check_parser.set_defaults(func=check)
    args = parser.parse_args()
    return args.func(connect(), args) or 0


if __name__ == '__main__':
    sys.exit(main())
