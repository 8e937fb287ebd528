import type { ActorName } from './actors.js';
import type { ClassifiedRoute } from './classify.js';

/** The actor a route is for (a staff route is probed with A's staff on A's objects). */
export function rightActor(route: ClassifiedRoute): ActorName {
  switch (route.rule.access) {
    case 'ops':
    case 'public':
    case 'token':
      return 'visitor';
    case 'quota':
    case 'patron':
      return 'patron:active';
    case 'staff':
    case 'staffObject':
      return 'staff:A';
    case 'admin':
      return 'admin';
  }
}
