/**
 * Which of the sources' per-case lists an operation can show (SourceDetail), from its
 * document, so a page that shows none of a person's decisions, interventions or
 * interruptions does not read them: in the caseload that was a third of the database's
 * work per page.
 *
 * The rule is by field name, anywhere in the document (every operation and fragment,
 * whatever type the field is on): a document that selects a field called `decisions` reads
 * decisions. That can read a list nobody shows (another type's `interruptions`), never miss
 * one a resolver needs, and it needs no type information.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, visit, type DocumentNode } from 'graphql';
import type { SourceDetail } from '../../connectors/types';
import type { Context } from '../../context';

/** The field whose resolver reads each detail. */
const FIELD_OF: Record<SourceDetail, string> = {
  decisions: 'decisions', // FinancialAidCase.decisions
  interventions: 'interventions', // JobCentreEnrolment.interventions
  interruptions: 'interruptions', // JobCentreEnrolment.interruptions
};

const DETAILS = Object.keys(FIELD_OF) as SourceDetail[];

/** Documents are parsed once per text and reused (Apollo's document cache): so is this. */
const byDocument = new WeakMap<DocumentNode, readonly SourceDetail[]>();

export function sourceDetailsOf(document: DocumentNode): readonly SourceDetail[] {
  let details = byDocument.get(document);
  if (!details) {
    const names = new Set<string>();
    visit(document, {
      [Kind.FIELD]: (node) => {
        names.add(node.name.value);
      },
    });
    details = DETAILS.filter((d) => names.has(FIELD_OF[d]));
    byDocument.set(document, details);
  }
  return details;
}

/** Over HTTP: tells the request's source reader what its operation can show. */
export function sourceDetailsPlugin(): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ contextValue, document }) {
          contextValue.sources.want(sourceDetailsOf(document));
          return Promise.resolve();
        },
      });
    },
  };
}
