// Every page of the console, and the menu each role sees. Whether a role may
// use a page comes from the permissions the service reports for it (the
// service's one permission table); the API refuses the rest regardless.
import type { PageDef } from '../router.js';
import { can, type Me } from '../session.js';
import { accountPage } from './account.js';
import { approvalsPage } from './approvals.js';
import { auditPage } from './audit.js';
import { cardPage } from './card.js';
import { citizenPage, citizensPage, enrolPage } from './citizens.js';
import { dashboardPage } from './dashboard.js';
import { jobPage } from './job.js';
import { personalisePage } from './personalise.js';
import { relyingPartiesPage, relyingPartyPage } from './relying-parties.js';
import { staffPage } from './staff.js';
import { stationsPage } from './stations.js';
import { stockPage } from './stock.js';

const may = (permission: string) => (me: Me) => can(me, permission);
/** Stations are managed by administrators (the station API refuses anyone else). */
const admin = (me: Me): boolean => me.role === 'admin' || can(me, 'station.manage');

export const pageList: readonly PageDef[] = [
  { path: '/console/', title: 'Dashboard', render: dashboardPage },
  { path: '/console/account', title: 'Your account', render: accountPage },
  { path: '/console/citizens', title: 'Citizens and cards', allowed: may('citizen.read'), render: citizensPage },
  { path: '/console/citizens/new', title: 'Enrol a citizen', allowed: may('citizen.enrol'), render: enrolPage },
  { path: '/console/citizens/:nid', title: 'Citizen', allowed: may('citizen.read'), render: citizenPage },
  { path: '/console/cards/:serial', title: 'Card', allowed: may('card.read'), render: cardPage },
  { path: '/console/personalise', title: 'Personalise a card', allowed: may('card.personalise'), render: personalisePage },
  { path: '/console/jobs/:id', title: 'Job at a station', allowed: may('card.read'), render: jobPage },
  { path: '/console/approvals', title: 'Approvals', allowed: may('approval.read'), render: approvalsPage },
  { path: '/console/stock', title: 'Blank-card stock', allowed: may('card.read'), render: stockPage },
  { path: '/console/staff', title: 'Staff accounts', allowed: may('staff.read'), render: staffPage },
  { path: '/console/stations', title: 'Stations', allowed: admin, render: stationsPage },
  { path: '/console/relying-parties', title: 'Relying parties', allowed: may('rp.manage'), render: relyingPartiesPage },
  { path: '/console/relying-parties/:id', title: 'Relying party', allowed: may('rp.manage'), render: relyingPartyPage },
  { path: '/console/audit', title: 'Audit log', allowed: may('audit.read'), render: auditPage },
];

export function navItems(me: Me): Array<{ href: string; label: string }> {
  const items: Array<{ href: string; label: string; show: boolean }> = [
    { href: '/console/', label: 'Dashboard', show: true },
    { href: '/console/citizens', label: 'Citizens and cards', show: can(me, 'citizen.read') },
    { href: '/console/citizens/new', label: 'Enrol a citizen', show: can(me, 'citizen.enrol') },
    { href: '/console/personalise', label: 'Personalise a card', show: can(me, 'card.personalise') },
    { href: '/console/approvals', label: 'Approvals', show: can(me, 'approval.read') },
    { href: '/console/stock', label: 'Card stock', show: can(me, 'card.read') },
    { href: '/console/staff', label: 'Staff', show: can(me, 'staff.read') },
    { href: '/console/stations', label: 'Stations', show: admin(me) },
    { href: '/console/relying-parties', label: 'Relying parties', show: can(me, 'rp.manage') },
    { href: '/console/audit', label: 'Audit log', show: can(me, 'audit.read') },
  ];
  return items.filter((i) => i.show).map(({ href, label }) => ({ href, label }));
}
