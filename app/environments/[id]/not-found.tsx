import { NotFoundHere } from "@/components/environment/page-states";

export default function EnvironmentNotFound() {
  return <NotFoundHere />;
}
