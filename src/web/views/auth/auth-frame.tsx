import type { ComponentChildren } from 'preact';
import type { Crumb } from '../components/admin-page.js';
import { PageFrame } from '../components/page.js';

/** The narrow centred column of the login and password pages. */
export function AuthFrame(props: { title: string; breadcrumb?: Crumb[]; children: ComponentChildren }) {
  return (
    <PageFrame title={props.title} breadcrumb={props.breadcrumb} centred cols="fr-col-md-8 fr-col-lg-6">
      {props.children}
    </PageFrame>
  );
}
