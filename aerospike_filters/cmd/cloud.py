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

"""Connections to a live cloud for the commands, and their errors.

Credentials come only from clouds.yaml, ``OS_CLOUD`` or the usual ``OS_*``
variables (or, inside the ``openstack`` client, from its own options); they
are never printed. Failures become one line naming the cloud and the fault.
"""

import contextlib

from aerospike_filters.cmd import main


def add_argument(parser, required=False):
    parser.add_argument(
        '--os-cloud', metavar='NAME', default=None, required=required,
        help='cloud in clouds.yaml (default: OS_CLOUD, else the OS_* '
             'variables)')


def connect(app, cloud):
    """An openstacksdk Connection; inside OpenStackClient, its own."""
    manager = getattr(app, 'client_manager', None)
    if manager is not None and cloud is None:
        try:
            if not hasattr(manager, 'sdk_connection'):
                # Commands that may run without credentials skip
                # OpenStackClient's authentication; do it now.
                manager.setup_auth()
            return manager.sdk_connection
        except Exception as exc:
            raise main.UserError('cannot connect with the openstack '
                                 "client's credentials: %s"
                                 % _first_line(exc))
    import openstack
    from openstack import exceptions
    try:
        return openstack.connect(cloud=cloud)
    except exceptions.ConfigException as exc:
        raise main.UserError('cannot use cloud %r: %s'
                             % (cloud or '(from OS_* variables)',
                                _first_line(exc)))


def _first_line(exc):
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else exc.__class__.__name__


@contextlib.contextmanager
def errors_as_user_errors(what):
    """Turn API, auth and connection failures into one-line UserErrors."""
    from keystoneauth1 import exceptions as ks_exceptions
    from openstack import exceptions as sdk_exceptions
    try:
        yield
    except (ks_exceptions.Unauthorized, ks_exceptions.Forbidden,
            sdk_exceptions.ForbiddenException) as exc:
        raise main.UserError('%s was refused: %s (check the credentials and '
                             'that the user has the admin role)'
                             % (what, _first_line(exc)))
    except (ks_exceptions.ConnectionError,
            ks_exceptions.EndpointNotFound,
            ks_exceptions.DiscoveryFailure) as exc:
        raise main.UserError('%s failed: cannot reach the cloud: %s'
                             % (what, _first_line(exc)))
    except (sdk_exceptions.SDKException, ks_exceptions.ClientException) as exc:
        raise main.UserError('%s failed: %s' % (what, _first_line(exc)))
